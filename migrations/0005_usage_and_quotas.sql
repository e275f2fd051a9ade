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
ALTER TABLE `tenants` ADD `quotas` text DEFAULT '{}' NOT NULL;