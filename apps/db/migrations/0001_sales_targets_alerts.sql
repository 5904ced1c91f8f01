CREATE TABLE `target_alerts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`target_id` bigint unsigned NOT NULL,
	`period_start` date NOT NULL,
	`milestone` smallint unsigned NOT NULL,
	`recipient` varchar(128) NOT NULL,
	`type` enum('TARGET_ACHIEVED','MILESTONE') NOT NULL,
	`message` text NOT NULL,
	`status` enum('PENDING','DELIVERED','FAILED') NOT NULL DEFAULT 'PENDING',
	`attempts` int NOT NULL DEFAULT 0,
	`last_error` text,
	`next_attempt_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`lease_token` varchar(36),
	`notification_id` bigint unsigned,
	`delivered_at` timestamp(3),
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `target_alerts_id` PRIMARY KEY(`id`),
	CONSTRAINT `target_alerts_once_uq` UNIQUE(`target_id`,`period_start`,`milestone`)
);
--> statement-breakpoint
CREATE TABLE `target_progress` (
	`target_id` bigint unsigned NOT NULL,
	`period_start` date NOT NULL,
	`achieved` decimal(14,2) NOT NULL,
	CONSTRAINT `target_progress_target_id_period_start_pk` PRIMARY KEY(`target_id`,`period_start`)
);
--> statement-breakpoint
CREATE TABLE `targets` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`scope` enum('agent','team','branch','product') NOT NULL,
	`target_key` varchar(64) NOT NULL,
	`period` enum('month','quarter','year') NOT NULL,
	`amount` decimal(14,2) NOT NULL,
	`milestones` varchar(100) NOT NULL DEFAULT '100',
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `targets_id` PRIMARY KEY(`id`),
	CONSTRAINT `targets_scope_key_period_uq` UNIQUE(`scope`,`target_key`,`period`)
);
--> statement-breakpoint
CREATE TABLE `targets_revision` (
	`id` tinyint unsigned NOT NULL,
	`revision` bigint unsigned NOT NULL DEFAULT 0,
	CONSTRAINT `targets_revision_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `notifications` ADD `lease_token` varchar(36);--> statement-breakpoint
CREATE INDEX `target_alerts_due_idx` ON `target_alerts` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `target_alerts_lease_idx` ON `target_alerts` (`lease_token`);--> statement-breakpoint
CREATE INDEX `notifications_lease_idx` ON `notifications` (`lease_token`);--> statement-breakpoint
CREATE INDEX `notifications_type_idx` ON `notifications` (`type`,`id`);--> statement-breakpoint
-- The single row sales lock shared and target writes lock exclusively (see schema/sales.ts).
INSERT INTO `targets_revision` (`id`, `revision`) VALUES (1, 0);