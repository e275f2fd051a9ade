DROP INDEX `messages_tenant_idempotency_key`;--> statement-breakpoint
DROP INDEX `messages_provider_message_id`;--> statement-breakpoint
CREATE INDEX `messages_provider_message_id` ON `messages` (`provider_message_id`) WHERE "messages"."provider_message_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `message_events_dedupe_key`;--> statement-breakpoint
CREATE UNIQUE INDEX `message_events_dedupe_key` ON `message_events` (`dedupe_key`) WHERE "message_events"."dedupe_key" IS NOT NULL;