ALTER TABLE `progress_events` MODIFY COLUMN `delta` decimal(32,2) NOT NULL;--> statement-breakpoint
ALTER TABLE `target_progress` MODIFY COLUMN `achieved` decimal(32,2) NOT NULL;--> statement-breakpoint
ALTER TABLE `progress_events` ADD `set_aside_at` timestamp(3);--> statement-breakpoint
ALTER TABLE `progress_events` ADD `set_aside_error` text;