CREATE TABLE `session_settings` (
	`session_id` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `held` integer DEFAULT false NOT NULL;