ALTER TABLE `flags` ADD `resolution` text;--> statement-breakpoint
ALTER TABLE `flags` ADD `notice_outbox_id` integer;