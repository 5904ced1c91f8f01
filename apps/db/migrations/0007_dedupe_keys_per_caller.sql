ALTER TABLE `notifications` DROP INDEX `notifications_dedupe_key_uq`;--> statement-breakpoint
ALTER TABLE `notifications` MODIFY COLUMN `dedupe_key` varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;--> statement-breakpoint
ALTER TABLE `sales` MODIFY COLUMN `sale_ref` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `dedupe_owner` varchar(16);--> statement-breakpoint
ALTER TABLE `notifications` ADD CONSTRAINT `notifications_owner_dedupe_key_uq` UNIQUE(`dedupe_owner`,`dedupe_key`);