CREATE TABLE `session_event_seqs` (
	`session_id` text PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `events_session_seq`;--> statement-breakpoint
ALTER TABLE `events` ADD `session_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The events already in the log are numbered per session in the order they were committed.
UPDATE `events` SET `session_seq` = `numbered`.`n`
  FROM (SELECT `seq`, row_number() OVER (PARTITION BY `session_id` ORDER BY `seq`) AS `n` FROM `events`) AS `numbered`
  WHERE `numbered`.`seq` = `events`.`seq`;--> statement-breakpoint
INSERT INTO `session_event_seqs` (`session_id`, `last_seq`) SELECT `session_id`, max(`session_seq`) FROM `events` GROUP BY `session_id`;--> statement-breakpoint
CREATE UNIQUE INDEX `events_session_session_seq` ON `events` (`session_id`,`session_seq`);
