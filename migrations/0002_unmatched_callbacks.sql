CREATE TABLE `unmatched_callbacks` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`tenant_id` text,
	`provider_message_id` text,
	`kind` text NOT NULL,
	`status` text,
	`reason` text,
	`payload` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`request_id` text,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unmatched_callbacks_dedupe_key` ON `unmatched_callbacks` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `unmatched_callbacks_provider_message` ON `unmatched_callbacks` (`provider_id`,`provider_message_id`);