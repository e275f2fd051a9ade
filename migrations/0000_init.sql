CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`provider_id` text,
	`last_error` text,
	`attempts` integer NOT NULL,
	`body` text NOT NULL,
	`dead_lettered_at` text NOT NULL,
	`redriven_at` text,
	`discarded_at` text
);
--> statement-breakpoint
CREATE INDEX `dead_letters_tenant` ON `dead_letters` (`tenant_id`,`dead_lettered_at`,`id`);--> statement-breakpoint
CREATE INDEX `dead_letters_message` ON `dead_letters` (`message_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` text NOT NULL,
	`completed_at` text,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `message_events` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`source` text NOT NULL,
	`provider_id` text,
	`raw_payload` text,
	`dedupe_key` text,
	`request_id` text,
	`occurred_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `message_events_message` ON `message_events` (`message_id`,`occurred_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `message_events_dedupe_key` ON `message_events` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`direction` text NOT NULL,
	`recipient` text NOT NULL,
	`sender` text,
	`subject` text,
	`content` text NOT NULL,
	`status` text NOT NULL,
	`provider_id` text,
	`provider_message_id` text,
	`cost` real,
	`idempotency_key` text,
	`request_hash` text,
	`scheduled_at` text,
	`sent_at` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`request_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_tenant_created` ON `messages` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `messages_tenant_idempotency_key` ON `messages` (`tenant_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `messages_provider_message_id` ON `messages` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `messages_status_updated` ON `messages` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `provider_configs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`type` text NOT NULL,
	`channel` text NOT NULL,
	`name` text NOT NULL,
	`encrypted_config` text NOT NULL,
	`key_version` integer NOT NULL,
	`mask` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `provider_configs_tenant_channel` ON `provider_configs` (`tenant_id`,`channel`,`priority`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
