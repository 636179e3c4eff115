CREATE TABLE `idempotency_keys` (
	`session_id` text NOT NULL,
	`key` text NOT NULL,
	`body_hash` text NOT NULL,
	`order_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_session_created` ON `idempotency_keys` (`session_id`,`created_at`);