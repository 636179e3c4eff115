CREATE TABLE `shipments` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `id`),
	CONSTRAINT "shipments_status" CHECK("shipments"."status" IN ('CREATED','FAILED','CANCELLED'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_session_order` ON `shipments` (`session_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_session_created` ON `shipments` (`session_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_behaviour` text;