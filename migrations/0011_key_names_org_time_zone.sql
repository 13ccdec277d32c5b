-- A name per org key ("billing-service", "team-search"), so keys read as teams and apps in listings, Explore and budgets.
ALTER TABLE `api_keys` ADD `name` text;
--> statement-breakpoint
-- The IANA time zone an org counts its months in (the overview's month to date and forecast); null: UTC.
ALTER TABLE `orgs` ADD `time_zone` text;
