CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`partner_id` text NOT NULL,
	`portal_approved` integer DEFAULT false NOT NULL,
	`terms_signed` integer DEFAULT false NOT NULL,
	`sandbox_done` integer DEFAULT false NOT NULL,
	`pre_beta_done` integer DEFAULT false NOT NULL,
	`ga_declared_at` text,
	`ga_declared_by` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `client_domains` (
	`domain` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `clients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`approvers` text DEFAULT '[]' NOT NULL,
	`test_environment_ids` text NOT NULL,
	`production_environment_ids` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`integration_id` integer,
	`app_id` text,
	`client_id` text,
	`from_stage` text,
	`to_stage` text,
	`cause_type` text NOT NULL,
	`cause_ref` text,
	`actor` text NOT NULL,
	`evidence` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`app_id` text NOT NULL,
	`client_id` text NOT NULL,
	`stage` text NOT NULL,
	`stage_since` text NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_app_client` ON `integrations` (`app_id`,`client_id`);--> statement-breakpoint
CREATE TABLE `log_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`integration_id` integer,
	`event_seq` integer,
	`status` text DEFAULT 'queued' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_event_kind` ON `outbox` (`event_seq`,`kind`);--> statement-breakpoint
CREATE TABLE `partners` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contact` text NOT NULL,
	`public_key_path` text NOT NULL,
	`public_key_armored` text NOT NULL,
	`key_fingerprint` text NOT NULL,
	`key_expires_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff` (
	`address` text PRIMARY KEY NOT NULL
);
