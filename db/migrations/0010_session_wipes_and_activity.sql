CREATE TABLE `session_wipes` (
	`session_id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `session_event_seqs` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `sold_to_reset_orders` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A session's log last gave a number when its newest event was appended; a log an orders reset emptied counts as quiet since long ago.
UPDATE `session_event_seqs` SET `updated_at` = coalesce((SELECT max(`timestamp`) FROM `events` WHERE `events`.`session_id` = `session_event_seqs`.`session_id`), 0);
