ALTER TABLE `reservations` ADD `restocked_at` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `cancellation_requested_by` text;