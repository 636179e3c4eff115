CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`event_seq` integer NOT NULL,
	`reaction` text NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	FOREIGN KEY (`event_seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_session` ON `deliveries` (`session_id`);--> statement-breakpoint
CREATE INDEX `deliveries_event` ON `deliveries` (`event_seq`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`type` text NOT NULL,
	`saga_id` text NOT NULL,
	`order_id` text NOT NULL,
	`causation_id` text,
	`timestamp` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_session_id_id` ON `events` (`session_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_session_seq` ON `events` (`session_id`,`seq`);--> statement-breakpoint
CREATE INDEX `events_session_order` ON `events` (`session_id`,`order_id`,`seq`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`session_id` text NOT NULL,
	`event_id` text NOT NULL,
	`reaction` text NOT NULL,
	`processed_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `event_id`, `reaction`)
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`price_cents` integer NOT NULL,
	`stock_level` integer NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `id`),
	CONSTRAINT "products_reserved_within_stock" CHECK(0 <= "products"."reserved" AND "products"."reserved" <= "products"."stock_level"),
	CONSTRAINT "products_price" CHECK("products"."price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE `reservation_lines` (
	`session_id` text NOT NULL,
	`reservation_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`price_cents` integer NOT NULL,
	PRIMARY KEY(`session_id`, `reservation_id`, `product_id`),
	FOREIGN KEY (`session_id`,`reservation_id`) REFERENCES `reservations`(`session_id`,`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "reservation_lines_quantity" CHECK("reservation_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `id`),
	CONSTRAINT "reservations_status" CHECK("reservations"."status" IN ('PENDING','CONFIRMED','RELEASED'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_session_order` ON `reservations` (`session_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `reservations_session_status` ON `reservations` (`session_id`,`status`);--> statement-breakpoint
CREATE TABLE `order_items` (
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`product` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`session_id`, `order_id`, `line_no`),
	FOREIGN KEY (`session_id`,`order_id`) REFERENCES `orders`(`session_id`,`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "order_items_quantity" CHECK("order_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`saga_id` text NOT NULL,
	`user_id` text,
	`status` text NOT NULL,
	`payment_behaviour` text NOT NULL,
	`inventory_behaviour` text NOT NULL,
	`skip_demo_delays` integer NOT NULL,
	`total_cents` integer DEFAULT 0 NOT NULL,
	`error_message` text,
	`cancellation_source` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	PRIMARY KEY(`session_id`, `id`),
	CONSTRAINT "orders_status" CHECK("orders"."status" IN ('PENDING','PROCESSING','COMPLETED','CANCELLED'))
);
--> statement-breakpoint
CREATE INDEX `orders_session_created` ON `orders` (`session_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`status` text NOT NULL,
	`failure_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `id`),
	CONSTRAINT "payments_status" CHECK("payments"."status" IN ('PENDING','SUCCESS','FAILED','REFUNDED')),
	CONSTRAINT "payments_amount" CHECK("payments"."amount_cents" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_session_order` ON `payments` (`session_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `payments_session_created` ON `payments` (`session_id`,`created_at`,`id`);