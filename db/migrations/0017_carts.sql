CREATE TABLE `cart_items` (
	`session_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`product` text NOT NULL,
	`quantity` integer NOT NULL,
	`line_no` integer NOT NULL,
	PRIMARY KEY(`session_id`, `cart_id`, `product`),
	FOREIGN KEY (`session_id`,`cart_id`) REFERENCES `carts`(`session_id`,`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cart_items_quantity" CHECK("cart_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`session_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`abandoned` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`session_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `carts_session_expires` ON `carts` (`session_id`,`expires_at`);