CREATE INDEX `flags_notice` ON `flags` (`notice_outbox_id`);--> statement-breakpoint
CREATE INDEX `outbox_kind_created` ON `outbox` (`kind`,`created_at`);