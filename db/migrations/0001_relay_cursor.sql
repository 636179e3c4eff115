CREATE TABLE `relay_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
DROP TABLE `processed_events`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`event_seq` integer NOT NULL,
	`reaction` text NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
INSERT INTO `__new_deliveries`("id", "session_id", "event_seq", "reaction", "due_at", "attempts", "last_error") SELECT "id", "session_id", "event_seq", "reaction", "due_at", "attempts", "last_error" FROM `deliveries`;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_session` ON `deliveries` (`session_id`);--> statement-breakpoint
DROP INDEX `events_session_id_id`;--> statement-breakpoint
DROP INDEX `reservations_session_status`;--> statement-breakpoint
-- The relay's cursor starts behind every event already in the log: before this migration each
-- of them had its deliveries scheduled as rows, and those rows are delivered as they fall due.
INSERT INTO `relay_cursor` (`id`, `last_seq`) SELECT 1, coalesce(max(`seq`), 0) FROM `events`;
