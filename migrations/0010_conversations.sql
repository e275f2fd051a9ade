CREATE TABLE `change_counters` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text,
	`phone` text,
	`email` text,
	`telegram_chat_id` text,
	`slack_user_id` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contacts_tenant_created` ON `contacts` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_tenant_phone` ON `contacts` (`tenant_id`,`phone`) WHERE "contacts"."phone" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_tenant_email` ON `contacts` (`tenant_id`,`email`) WHERE "contacts"."email" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_tenant_telegram` ON `contacts` (`tenant_id`,`telegram_chat_id`) WHERE "contacts"."telegram_chat_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_tenant_slack` ON `contacts` (`tenant_id`,`slack_user_id`) WHERE "contacts"."slack_user_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `conversation_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`idle_gap_minutes` integer NOT NULL,
	`help_reply` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`provider_id` text,
	`our_endpoint` text NOT NULL,
	`their_endpoint` text NOT NULL,
	`thread` text DEFAULT '' NOT NULL,
	`contact_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`last_message_at` text NOT NULL,
	`last_message_preview` text,
	`change_seq` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversations_pair` ON `conversations` (`tenant_id`,`channel`,`their_endpoint`,`our_endpoint`,`thread`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_tenant_activity` ON `conversations` (`tenant_id`,`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_change_seq` ON `conversations` (`tenant_id`,`change_seq`);--> statement-breakpoint
CREATE INDEX `conversations_contact` ON `conversations` (`contact_id`) WHERE "conversations"."contact_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `opt_outs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`source` text NOT NULL,
	`reason` text NOT NULL,
	`received_by` text,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opt_outs_address` ON `opt_outs` (`tenant_id`,`channel`,`address`);--> statement-breakpoint
CREATE INDEX `opt_outs_tenant_created` ON `opt_outs` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `conversation_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `change_seq` integer;--> statement-breakpoint
CREATE INDEX `messages_conversation` ON `messages` (`conversation_id`,`created_at`,`id`) WHERE "messages"."conversation_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_change_seq` ON `messages` (`tenant_id`,`change_seq`) WHERE "messages"."change_seq" IS NOT NULL;--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers). Every visible change of a conversation or of
-- one of its messages takes the tenant's next change number inside the writing transaction. D1
-- runs one write at a time, so the numbers follow commit order: a reader that has seen number n
-- has seen every change numbered below n, which is what GET /v1/conversations/changes relies on.
CREATE TRIGGER `messages_change_seq_insert` AFTER INSERT ON `messages`
WHEN NEW.`conversation_id` IS NOT NULL
BEGIN
  INSERT INTO `change_counters` (`tenant_id`, `value`) VALUES (NEW.`tenant_id`, 1)
    ON CONFLICT (`tenant_id`) DO UPDATE SET `value` = `value` + 1;
  UPDATE `messages` SET `change_seq` = (SELECT `value` FROM `change_counters` WHERE `tenant_id` = NEW.`tenant_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `messages_change_seq_update` AFTER UPDATE OF `status`, `last_error`, `conversation_id` ON `messages`
WHEN NEW.`conversation_id` IS NOT NULL
  AND (OLD.`status` IS NOT NEW.`status` OR OLD.`last_error` IS NOT NEW.`last_error` OR OLD.`conversation_id` IS NOT NEW.`conversation_id`)
BEGIN
  INSERT INTO `change_counters` (`tenant_id`, `value`) VALUES (NEW.`tenant_id`, 1)
    ON CONFLICT (`tenant_id`) DO UPDATE SET `value` = `value` + 1;
  UPDATE `messages` SET `change_seq` = (SELECT `value` FROM `change_counters` WHERE `tenant_id` = NEW.`tenant_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `conversations_change_seq_insert` AFTER INSERT ON `conversations`
BEGIN
  INSERT INTO `change_counters` (`tenant_id`, `value`) VALUES (NEW.`tenant_id`, 1)
    ON CONFLICT (`tenant_id`) DO UPDATE SET `value` = `value` + 1;
  UPDATE `conversations` SET `change_seq` = (SELECT `value` FROM `change_counters` WHERE `tenant_id` = NEW.`tenant_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `conversations_change_seq_update`
AFTER UPDATE OF `status`, `unread_count`, `last_message_at`, `last_message_preview`, `contact_id`, `provider_id`, `updated_at` ON `conversations`
BEGIN
  INSERT INTO `change_counters` (`tenant_id`, `value`) VALUES (NEW.`tenant_id`, 1)
    ON CONFLICT (`tenant_id`) DO UPDATE SET `value` = `value` + 1;
  UPDATE `conversations` SET `change_seq` = (SELECT `value` FROM `change_counters` WHERE `tenant_id` = NEW.`tenant_id`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
-- A contact's edit shows in its conversations (they embed it): touching them takes new change numbers.
CREATE TRIGGER `contacts_change_touches_conversations` AFTER UPDATE ON `contacts`
BEGIN
  UPDATE `conversations` SET `updated_at` = NEW.`updated_at` WHERE `contact_id` = NEW.`id`;
END;
