CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`message_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`position` integer NOT NULL,
	`source` text NOT NULL,
	`content_type` text,
	`name` text,
	`size` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `media_message` ON `media` (`message_id`,`position`);--> statement-breakpoint
CREATE INDEX `media_pending` ON `media` (`updated_at`) WHERE "media"."status" = 'pending';--> statement-breakpoint
ALTER TABLE `messages` ADD `pinned_provider_id` text;--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers). An attachment stored or failed changes its
-- message's view, so a conversation message takes the tenant's next change number, as in the
-- conversations migration: GET /v1/conversations/changes shows the message again, as it is then.
CREATE TRIGGER `media_change_touches_message` AFTER UPDATE OF `status` ON `media`
WHEN OLD.`status` IS NOT NEW.`status`
  AND EXISTS (SELECT 1 FROM `messages` WHERE `id` = NEW.`message_id` AND `conversation_id` IS NOT NULL)
BEGIN
  INSERT INTO `change_counters` (`tenant_id`, `value`) VALUES (NEW.`tenant_id`, 1)
    ON CONFLICT (`tenant_id`) DO UPDATE SET `value` = `value` + 1;
  UPDATE `messages` SET `change_seq` = (SELECT `value` FROM `change_counters` WHERE `tenant_id` = NEW.`tenant_id`) WHERE `id` = NEW.`message_id`;
END;
