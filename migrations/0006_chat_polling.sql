CREATE TABLE `inbound_poll_offsets` (
	`provider_id` text PRIMARY KEY NOT NULL,
	`next_offset` integer NOT NULL,
	`updated_at` text NOT NULL
);
