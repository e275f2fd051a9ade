CREATE TABLE `analysis_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`analyzer` text NOT NULL,
	`model` text,
	`base_url` text,
	`encrypted_api_key` text,
	`key_version` integer,
	`api_key_mask` text,
	`categories` text NOT NULL,
	`rules` text NOT NULL,
	`redact` integer NOT NULL,
	`monthly_token_budget` integer,
	`max_context_messages` integer NOT NULL,
	`max_context_characters` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `analysis_usage` (
	`tenant_id` text NOT NULL,
	`month` text NOT NULL,
	`tokens` integer DEFAULT 0 NOT NULL,
	`analyses` integer DEFAULT 0 NOT NULL,
	`fallbacks` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `month`)
);
--> statement-breakpoint
CREATE TABLE `conversation_analyses` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`due_at` text NOT NULL,
	`lease_until` text,
	`retry_at` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`analyzer` text,
	`category` text,
	`priority` text,
	`priority_rank` integer,
	`summary` text,
	`sentiment` text,
	`language` text,
	`needs_reply` integer,
	`suggested_reply` text,
	`reason` text,
	`tokens` integer DEFAULT 0 NOT NULL,
	`analyzed_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_analyses_tenant_priority` ON `conversation_analyses` (`tenant_id`,`priority_rank`);--> statement-breakpoint
CREATE INDEX `conversation_analyses_tenant_category` ON `conversation_analyses` (`tenant_id`,`category`);--> statement-breakpoint
CREATE INDEX `conversation_analyses_pending` ON `conversation_analyses` (`status`,`due_at`) WHERE "conversation_analyses"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `conversation_events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`type` text NOT NULL,
	`reason` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`occurred_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_events_conversation` ON `conversation_events` (`conversation_id`,`occurred_at`);