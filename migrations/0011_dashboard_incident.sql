CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`actor_key_id` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`details` text DEFAULT '{}' NOT NULL,
	`client_address` text,
	`request_id` text,
	`occurred_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant` ON `audit_log` (`tenant_id`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_time` ON `audit_log` (`occurred_at`,`id`);--> statement-breakpoint
CREATE TABLE `bulk_operations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`action` text NOT NULL,
	`filter` text NOT NULL,
	`target_provider_id` text,
	`state` text NOT NULL,
	`up_to` text NOT NULL,
	`cursor_at` text,
	`cursor_id` text,
	`total` integer NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`lease_until` text,
	`created_by_key_id` text NOT NULL,
	`request_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `bulk_operations_state` ON `bulk_operations` (`state`);--> statement-breakpoint
CREATE INDEX `bulk_operations_tenant` ON `bulk_operations` (`tenant_id`,`created_at`);