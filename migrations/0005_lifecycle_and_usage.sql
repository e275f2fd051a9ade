CREATE TABLE `archive_chunks` (
	`key` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`day` text NOT NULL,
	`message_ids` text NOT NULL,
	`state` text NOT NULL,
	`finished_by` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `archive_chunks_tenant_day` ON `archive_chunks` (`tenant_id`,`day`);--> statement-breakpoint
CREATE INDEX `archive_chunks_state` ON `archive_chunks` (`state`);--> statement-breakpoint
CREATE TABLE `archive_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`before` text,
	`status` text NOT NULL,
	`archived` integer DEFAULT 0 NOT NULL,
	`objects` integer DEFAULT 0 NOT NULL,
	`tenant_cursor` text,
	`error` text,
	`requested_by` text,
	`started_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `archived_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`object_key` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage_counters` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`period` text NOT NULL,
	`count` integer NOT NULL,
	`quota` integer,
	PRIMARY KEY(`tenant_id`, `channel`, `period`),
	CONSTRAINT "usage_counters_within_quota" CHECK("usage_counters"."quota" IS NULL OR "usage_counters"."count" <= "usage_counters"."quota")
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `currency` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `segments` integer;--> statement-breakpoint
ALTER TABLE `provider_configs` ADD `pricing` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `quotas` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `retention_days` integer DEFAULT 30 NOT NULL;