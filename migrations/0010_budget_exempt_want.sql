-- What a block budget lets through although Lectr cannot estimate its cost at admission: a JSON array of
-- routes (starting with "/", a trailing * matches a prefix) and model ids (a trailing * matches a prefix).
ALTER TABLE `budgets` ADD `exempt` text DEFAULT '[]' NOT NULL;
--> statement-breakpoint
-- What callers asked to retry on a replica still wait for (USD): the other replicas give room back to it first.
ALTER TABLE `budget_shares` ADD `want_usd` real DEFAULT 0 NOT NULL;
