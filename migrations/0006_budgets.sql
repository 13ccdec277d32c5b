CREATE TABLE `budgets` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`feature` text,
	`task` text,
	`key_id` text,
	`provider` text,
	`model` text,
	`period` text NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`amount_usd` real NOT NULL,
	`thresholds` text DEFAULT '[50,80,100]' NOT NULL,
	`action` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budgets_org_name` ON `budgets` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`key_id` text,
	`feature` text,
	`requests_per_minute` integer,
	`tokens_per_minute` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rate_limits_org_name` ON `rate_limits` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`url` text NOT NULL,
	`format` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhooks_org` ON `webhooks` (`org_id`);--> statement-breakpoint
CREATE TABLE `budget_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`budget_id` text NOT NULL,
	`period_start` integer NOT NULL,
	`kind` text NOT NULL,
	`threshold` integer NOT NULL,
	`spent_usd` real NOT NULL,
	`forecast_usd` real NOT NULL,
	`amount_usd` real NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_alerts_once` ON `budget_alerts` (`budget_id`,`period_start`,`kind`,`threshold`);--> statement-breakpoint
CREATE INDEX `budget_alerts_org` ON `budget_alerts` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` integer,
	`error` text,
	`delivered` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_org` ON `webhook_deliveries` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `budget_shares` (
	`replica_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`window_start` integer NOT NULL,
	`reserved_usd` real NOT NULL,
	`requests` integer NOT NULL,
	`tokens` integer NOT NULL,
	`lease_usd` real NOT NULL,
	`lease_requests` real NOT NULL,
	`lease_tokens` real NOT NULL,
	`demand` real NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`replica_id`, `subject_id`)
);
