ALTER TABLE `notifications` ADD `request_id` varchar(128);--> statement-breakpoint
ALTER TABLE `notifications` ADD `traceparent` varchar(55);--> statement-breakpoint
ALTER TABLE `progress_events` ADD `request_id` varchar(128);--> statement-breakpoint
ALTER TABLE `progress_events` ADD `traceparent` varchar(55);--> statement-breakpoint
ALTER TABLE `target_alerts` ADD `request_id` varchar(128);--> statement-breakpoint
ALTER TABLE `target_alerts` ADD `traceparent` varchar(55);