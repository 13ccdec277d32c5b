CREATE TABLE `model_prices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`effective_from` integer NOT NULL,
	`input_per_mtok` real NOT NULL,
	`cached_input_per_mtok` real,
	`cache_write_per_mtok` real,
	`output_per_mtok` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `model_prices_org` ON `model_prices` (`org_id`,`provider`,`model`,`effective_from`);--> statement-breakpoint
CREATE TABLE `routing_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`position` integer NOT NULL,
	`feature` text,
	`task` text,
	`model` text,
	`provider` text,
	`target_model` text NOT NULL,
	`target_provider` text,
	`percent` integer DEFAULT 100 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `routing_rules_org` ON `routing_rules` (`org_id`,`position`);--> statement-breakpoint
ALTER TABLE `events` ADD `cache_write_tokens` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `cost_source` text;--> statement-breakpoint
ALTER TABLE `events` ADD `upstream_request_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `routing_rule_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `routed_from_model` text;--> statement-breakpoint
ALTER TABLE `events` ADD `routing_skipped` text;--> statement-breakpoint
CREATE INDEX `events_org_rule` ON `events` (`org_id`,`routing_rule_id`,`created_at`) WHERE routing_rule_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `azure_deployments` text;