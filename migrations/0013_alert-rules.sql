CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`threshold` integer NOT NULL,
	`min_attempts` integer,
	`window_minutes` integer NOT NULL,
	`provider_id` text,
	`notify_channel` text NOT NULL,
	`notify_to` text NOT NULL,
	`cooldown_minutes` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`state` text DEFAULT 'ok' NOT NULL,
	`last_fired_at` text,
	`last_message_id` text,
	`last_value` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_rules_tenant` ON `alert_rules` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` text;