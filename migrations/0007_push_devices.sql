CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`platform` text NOT NULL,
	`address` text NOT NULL,
	`keys` text,
	`contact_id` text,
	`last_seen_at` text NOT NULL,
	`invalid_at` text,
	`invalid_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_tenant_address` ON `devices` (`tenant_id`,`platform`,`address`);--> statement-breakpoint
CREATE INDEX `devices_tenant_contact` ON `devices` (`tenant_id`,`contact_id`) WHERE "devices"."contact_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `devices_tenant_created` ON `devices` (`tenant_id`,`created_at`,`id`);