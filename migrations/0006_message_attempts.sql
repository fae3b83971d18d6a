CREATE TABLE `message_attempts` (
	`mailbox` text NOT NULL,
	`key` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_attempt_at` text NOT NULL,
	PRIMARY KEY(`mailbox`, `key`)
);
