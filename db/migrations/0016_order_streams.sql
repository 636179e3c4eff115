CREATE TABLE `order_events` (
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`version` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `order_id`, `version`),
	CONSTRAINT "order_events_version" CHECK("order_events"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_unversioned` ON `orders` (`session_id`) WHERE "orders"."version" = 0;