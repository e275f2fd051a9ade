ALTER TABLE `messages` ADD `price_due_at` text;--> statement-breakpoint
CREATE INDEX `messages_price_due` ON `messages` (`price_due_at`) WHERE "messages"."price_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `dead_letters_redriven` ON `dead_letters` (`redriven_at`) WHERE "dead_letters"."redriven_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `dead_letters_discarded` ON `dead_letters` (`discarded_at`) WHERE "dead_letters"."discarded_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `unmatched_callbacks_received` ON `unmatched_callbacks` (`received_at`);