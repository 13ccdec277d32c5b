-- Anthropic bills 1-hour cache writes at another rate than 5-minute ones: the part of cache_write_tokens written for 1 hour, kept so costs can be recomputed.
ALTER TABLE `events` ADD `cache_write_1h_tokens` integer;
