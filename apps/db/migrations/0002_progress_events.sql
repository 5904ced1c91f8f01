CREATE TABLE `progress_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`target_id` bigint unsigned NOT NULL,
	`period_start` date NOT NULL,
	`delta` decimal(14,2) NOT NULL,
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `progress_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `progress_events_target_idx` ON `progress_events` (`target_id`,`period_start`);