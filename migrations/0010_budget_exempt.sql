-- What a block budget lets through although Lectr cannot estimate its cost at admission: a JSON array of
-- routes (starting with "/", a trailing * matches a prefix) and model ids (a trailing * matches a prefix).
ALTER TABLE `budgets` ADD `exempt` text DEFAULT '[]' NOT NULL;
