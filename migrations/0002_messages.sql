CREATE TABLE `flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token` text NOT NULL,
	`kind` text NOT NULL,
	`message_row` integer,
	`outbox_id` integer,
	`app_id` text,
	`client_id` text,
	`proposal` text,
	`reasons` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`resolved_at` text,
	`resolved_by` text,
	FOREIGN KEY (`message_row`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`outbox_id`) REFERENCES `outbox`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flags_token` ON `flags` (`token`);--> statement-breakpoint
CREATE INDEX `flags_status` ON `flags` (`status`);--> statement-breakpoint
CREATE TABLE `message_locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_row` integer NOT NULL,
	`mailbox` text NOT NULL,
	`key` text NOT NULL,
	`uid_validity` integer,
	`uid` integer,
	`target_folder` text,
	`marked_at` text,
	FOREIGN KEY (`message_row`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_locations_mailbox_key` ON `message_locations` (`mailbox`,`key`);--> statement-breakpoint
CREATE INDEX `message_locations_row` ON `message_locations` (`message_row`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` text NOT NULL,
	`mailbox` text NOT NULL,
	`message_id` text,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`from_address` text,
	`subject` text,
	`date` text,
	`outcome` text NOT NULL,
	`intent` text,
	`app_id` text,
	`client_id` text,
	`confidence` real,
	`reasons` text DEFAULT '[]' NOT NULL,
	`decision` text DEFAULT '{}' NOT NULL,
	`event_seq` integer,
	`duplicate_of` integer,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_message_id` ON `messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `messages_sha256` ON `messages` (`sha256`);--> statement-breakpoint
CREATE INDEX `messages_outcome` ON `messages` (`outcome`);--> statement-breakpoint
CREATE TABLE `raw_messages` (
	`sha256` text PRIMARY KEY NOT NULL,
	`gz` blob NOT NULL,
	`size` integer NOT NULL,
	`complete` integer NOT NULL,
	`stored_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shadow_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox` text NOT NULL,
	`key` text NOT NULL,
	`decided_at` text NOT NULL,
	`message_id` text,
	`sha256` text NOT NULL,
	`from_address` text,
	`subject` text,
	`action` text NOT NULL,
	`intent` text,
	`app_id` text,
	`client_id` text,
	`confidence` real,
	`reasons` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shadow_mailbox_key` ON `shadow_decisions` (`mailbox`,`key`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `message_id` text;--> statement-breakpoint
CREATE INDEX `outbox_message_id` ON `outbox` (`message_id`);