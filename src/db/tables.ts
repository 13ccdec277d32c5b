/**
 * The database schema. Column names are part of Lectr's contract (dashboards
 * and other tools query them): keep them as they are. Times are epoch ms.
 */
import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  created_at: integer("created_at").notNull(),
  azure_endpoint: text("azure_endpoint"),
  azure_api_version: text("azure_api_version"),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    /** The first characters of the key, shown in listings so a user can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key, hex. The key itself is never stored. */
    key_hash: text("key_hash").notNull().unique(),
    created_at: integer("created_at").notNull(),
    last_used_at: integer("last_used_at"),
    revoked_at: integer("revoked_at"),
  },
  (t) => [index("api_keys_org").on(t.org_id)],
);

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    key_id: text("key_id").notNull(),
    created_at: integer("created_at").notNull(),
    endpoint: text("endpoint").notNull(),
    provider: text("provider").notNull(),
    provider_source: text("provider_source").notNull(),
    provider_unknown: integer("provider_unknown", { mode: "boolean" }).notNull(),
    model: text("model").notNull(),
    response_model: text("response_model"),
    streamed: integer("streamed", { mode: "boolean" }).notNull(),
    status: integer("status").notNull(),
    error_code: text("error_code"),
    latency_ms: real("latency_ms").notNull(),
    ttfb_ms: real("ttfb_ms"),
    input_tokens: integer("input_tokens"),
    output_tokens: integer("output_tokens"),
    cached_input_tokens: integer("cached_input_tokens"),
    reasoning_tokens: integer("reasoning_tokens"),
    cost_usd: real("cost_usd"),
    price_known: integer("price_known", { mode: "boolean" }).notNull(),
    feature: text("feature"),
    task: text("task"),
  },
  (t) => [index("events_org_created").on(t.org_id, t.created_at, t.id)],
);

export type EventRow = typeof events.$inferInsert;
export type OrgRow = typeof orgs.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
