-- Non-token billing and usage counted once per provider object (a response read back, a batch polled).
ALTER TABLE `events` ADD `billed_units` real;
--> statement-breakpoint
ALTER TABLE `events` ADD `price_basis` text;
--> statement-breakpoint
ALTER TABLE `events` ADD `usage_claim` text;
--> statement-breakpoint
CREATE TABLE `usage_claims` (
	`org_id` text NOT NULL,
	`claim` text NOT NULL,
	`event_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `claim`)
);
