DROP INDEX `deliveries_due`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `dead_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_event` ON `deliveries` (`event_seq`,`reaction`);--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`held`,`dead_at`,`due_at`,`id`);