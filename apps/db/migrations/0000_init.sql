CREATE TABLE `agent_products` (
	`agent_code` varchar(32) NOT NULL,
	`product_code` varchar(32) NOT NULL,
	`authorised_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `agent_products_agent_code_product_code_pk` PRIMARY KEY(`agent_code`,`product_code`)
);
--> statement-breakpoint
CREATE TABLE `agents` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`agent_code` varchar(32) NOT NULL,
	`first_name` varchar(100) NOT NULL,
	`last_name` varchar(100) NOT NULL,
	`email` varchar(254) NOT NULL,
	`phone` varchar(32),
	`branch` varchar(64) NOT NULL,
	`team` varchar(64) NOT NULL,
	`status` enum('active','inactive') NOT NULL DEFAULT 'active',
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `agents_id` PRIMARY KEY(`id`),
	CONSTRAINT `agents_agent_code_uq` UNIQUE(`agent_code`)
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`product_code` varchar(32) NOT NULL,
	`type` varchar(32) NOT NULL,
	`name` varchar(200) NOT NULL,
	`target_amount` decimal(14,2) NOT NULL,
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `products_id` PRIMARY KEY(`id`),
	CONSTRAINT `products_product_code_uq` UNIQUE(`product_code`)
);
--> statement-breakpoint
CREATE TABLE `sale_changes` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`sale_id` bigint unsigned NOT NULL,
	`sale_date` date NOT NULL,
	`changed_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `sale_changes_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`sale_ref` varchar(64) NOT NULL,
	`agent_code` varchar(32) NOT NULL,
	`product_code` varchar(32) NOT NULL,
	`amount` decimal(14,2) NOT NULL,
	`sale_date` date NOT NULL,
	`branch` varchar(64) NOT NULL,
	`team` varchar(64) NOT NULL,
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `sales_id` PRIMARY KEY(`id`),
	CONSTRAINT `sales_sale_ref_uq` UNIQUE(`sale_ref`)
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`recipient` varchar(128) NOT NULL,
	`type` enum('TARGET_ACHIEVED','MILESTONE','REMINDER','CUSTOM') NOT NULL,
	`channel` enum('log','webhook','email') NOT NULL DEFAULT 'log',
	`message` text NOT NULL,
	`status` enum('PENDING','SENT','FAILED') NOT NULL DEFAULT 'PENDING',
	`dedupe_key` varchar(191),
	`attempts` int NOT NULL DEFAULT 0,
	`last_error` text,
	`next_attempt_at` timestamp(3),
	`sent_at` timestamp(3),
	`created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `notifications_id` PRIMARY KEY(`id`),
	CONSTRAINT `notifications_dedupe_key_uq` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
ALTER TABLE `agent_products` ADD CONSTRAINT `agent_products_agent_code_agents_agent_code_fk` FOREIGN KEY (`agent_code`) REFERENCES `agents`(`agent_code`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `agent_products` ADD CONSTRAINT `agent_products_product_code_products_product_code_fk` FOREIGN KEY (`product_code`) REFERENCES `products`(`product_code`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `agent_products_product_idx` ON `agent_products` (`product_code`);--> statement-breakpoint
CREATE INDEX `agents_branch_idx` ON `agents` (`branch`,`agent_code`);--> statement-breakpoint
CREATE INDEX `agents_team_idx` ON `agents` (`team`,`agent_code`);--> statement-breakpoint
CREATE INDEX `agents_status_idx` ON `agents` (`status`,`agent_code`);--> statement-breakpoint
CREATE INDEX `sale_changes_changed_idx` ON `sale_changes` (`changed_at`);--> statement-breakpoint
CREATE INDEX `sales_date_idx` ON `sales` (`sale_date`);--> statement-breakpoint
CREATE INDEX `sales_agent_date_idx` ON `sales` (`agent_code`,`sale_date`);--> statement-breakpoint
CREATE INDEX `sales_product_date_idx` ON `sales` (`product_code`,`sale_date`);--> statement-breakpoint
CREATE INDEX `sales_branch_date_idx` ON `sales` (`branch`,`sale_date`);--> statement-breakpoint
CREATE INDEX `sales_team_date_idx` ON `sales` (`team`,`sale_date`);--> statement-breakpoint
CREATE INDEX `notifications_recipient_idx` ON `notifications` (`recipient`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_status_idx` ON `notifications` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notifications_created_idx` ON `notifications` (`created_at`);