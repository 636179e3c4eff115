CREATE TABLE `orchestrated_sagas` (
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`saga_id` text NOT NULL,
	`status` text NOT NULL,
	`current_step` text,
	`log` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `orchestrated_sagas_session_updated` ON `orchestrated_sagas` (`session_id`,`updated_at`);--> statement-breakpoint
ALTER TABLE `events` ADD `kind` text DEFAULT 'event' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `style` text DEFAULT 'choreography' NOT NULL;