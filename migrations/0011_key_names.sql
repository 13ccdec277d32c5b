-- A name per org key ("billing-service", "team-search"), so keys read as teams and apps in listings, Explore and budgets.
ALTER TABLE `api_keys` ADD `name` text;
