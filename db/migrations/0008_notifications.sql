CREATE TABLE `notifications` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_session_event` ON `notifications` (`session_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `notifications_session_order` ON `notifications` (`session_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `notifications_session_created` ON `notifications` (`session_id`,`created_at`,`id`);