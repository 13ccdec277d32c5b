CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org` ON `api_keys` (`org_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`endpoint` text NOT NULL,
	`provider` text NOT NULL,
	`provider_source` text NOT NULL,
	`provider_unknown` integer NOT NULL,
	`model` text NOT NULL,
	`response_model` text,
	`streamed` integer NOT NULL,
	`status` integer NOT NULL,
	`error_code` text,
	`latency_ms` real NOT NULL,
	`ttfb_ms` real,
	`input_tokens` integer,
	`output_tokens` integer,
	`cached_input_tokens` integer,
	`reasoning_tokens` integer,
	`cost_usd` real,
	`price_known` integer NOT NULL,
	`feature` text,
	`task` text
);
--> statement-breakpoint
CREATE INDEX `events_org_created` ON `events` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`azure_endpoint` text,
	`azure_api_version` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orgs_name_unique` ON `orgs` (`name`);