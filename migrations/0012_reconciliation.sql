CREATE TABLE `reconcile_credentials` (
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`sealed_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `provider`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reconcile_sources` (
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`kind` text NOT NULL,
	`source_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `provider`, `kind`, `source_id`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reconcile_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`unseen_alert_usd` real,
	`drift_alert_usd` real,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reconcile_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`from_day` integer NOT NULL,
	`to_day` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`api_calls` integer NOT NULL,
	`rows` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconcile_runs_org` ON `reconcile_runs` (`org_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `reconcile_rows` (
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`day` integer NOT NULL,
	`model` text NOT NULL,
	`source` text NOT NULL,
	`run_id` text NOT NULL,
	`lectr_requests` integer,
	`lectr_uncached_input_tokens` integer,
	`lectr_cache_read_tokens` integer,
	`lectr_cache_write_5m_tokens` integer,
	`lectr_cache_write_1h_tokens` integer,
	`lectr_output_tokens` integer,
	`lectr_cost_usd` real,
	`provider_requests` integer,
	`provider_uncached_input_tokens` integer,
	`provider_cache_read_tokens` integer,
	`provider_cache_write_5m_tokens` integer,
	`provider_cache_write_1h_tokens` integer,
	`provider_output_tokens` integer,
	`billed_usd` real,
	`expected_usd` real,
	`unseen_usd` real,
	`drift_usd` real,
	`status` text NOT NULL,
	PRIMARY KEY(`org_id`, `provider`, `day`, `model`, `source`)
);
--> statement-breakpoint
CREATE TABLE `reconcile_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`provider` text NOT NULL,
	`day` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_usd` real NOT NULL,
	`threshold_usd` real NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reconcile_alerts_once` ON `reconcile_alerts` (`org_id`,`provider`,`day`,`kind`);--> statement-breakpoint
CREATE TABLE `reconcile_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
