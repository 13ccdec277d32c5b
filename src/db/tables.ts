/**
 * The database schema. Column names are part of Lectr's contract (dashboards
 * and other tools query them): keep them as they are. Times are epoch ms.
 */
import { sql } from "drizzle-orm";
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from "drizzle-orm/sqlite-core";
import { latencyBucketCount } from "../stats/histogram.ts";
import { providerErrorCodes } from "../stats/rates.ts";
import { keyScopes } from "../lib/scopes.ts";

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  created_at: integer("created_at").notNull(),
  azure_endpoint: text("azure_endpoint"),
  azure_api_version: text("azure_api_version"),
  /** JSON array of {deployment, model}: prices Azure calls whose response names no model. */
  azure_deployments: text("azure_deployments"),
  /** The IANA time zone the org counts its months in; null: UTC. */
  time_zone: text("time_zone"),
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
    /** What the key may do in its org: `proxy` (/v1 only), `read` (GraphQL queries), `admin` (both, and mutations). See src/lib/scopes.ts. */
    scope: text("scope", { enum: keyScopes }).notNull().default("admin"),
    /** What people call the key (a team, an app); null until named. */
    name: text("name"),
  },
  (t) => [index("api_keys_org").on(t.org_id)],
);

/** SQL for "this event is a provider error" (src/stats/rates.ts#isProviderError); the partial index and the filter share it. */
export const eventIsProviderError = sql.raw(
  `(status >= 500 OR status = 429 OR error_code IN (${providerErrorCodes.map((c) => `'${c}'`).join(", ")}))`,
);

export const histogramColumnNames: readonly string[] = Array.from(
  { length: latencyBucketCount },
  (_, i) => `latency_h${String(i).padStart(2, "0")}`,
);

function sumColumns() {
  return {
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    unpriced: integer("unpriced").notNull(),
    cost_usd: real("cost_usd").notNull(),
    input_tokens: integer("input_tokens").notNull(),
    output_tokens: integer("output_tokens").notNull(),
    latency_sum_ms: real("latency_sum_ms").notNull(),
    latency_min_ms: real("latency_min_ms").notNull(),
    latency_max_ms: real("latency_max_ms").notNull(),
    last_error_at: integer("last_error_at"),
    ...Object.fromEntries(histogramColumnNames.map((name) => [name, integer(name).notNull().default(0)])),
  };
}

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
    /** Cache writes (Anthropic cache creation, OpenAI cache_write_tokens): a subset of input_tokens, kept so costs can be recomputed. */
    cache_write_tokens: integer("cache_write_tokens"),
    /** `registry`, `org_override` or `unpriced`: where cost_usd came from. */
    cost_source: text("cost_source"),
    /** The provider's own id for the call (`x-request-id` / `request-id`), to quote to the provider. */
    upstream_request_id: text("upstream_request_id"),
    /** The routing rule that matched the request (routed or not: see routed_from_model). */
    routing_rule_id: text("routing_rule_id"),
    /** The model the client asked for, when a routing rule rewrote it; `model` is then the one sent. */
    routed_from_model: text("routed_from_model"),
    /** Why a matching rule was not applied, e.g. `missing_provider_key`. */
    routing_skipped: text("routing_skipped"),
    /** The part of cache_write_tokens written for an hour (Anthropic), billed at its own rate; null when not reported. */
    cache_write_1h_tokens: integer("cache_write_1h_tokens"),
    /** Images made or seconds of audio, when the call is billed in those rather than tokens (price_basis says which). */
    billed_units: real("billed_units"),
    /** What cost_usd was computed from beyond the token columns (src/proxy/event.ts#priceBasis); null for plain token prices. */
    price_basis: text("price_basis"),
    /** The provider object this event's usage belongs to (`response:resp_…`, `batch:batch_…`), counted once: see usage_claims. */
    usage_claim: text("usage_claim"),
  },
  (t) => [
    index("events_org_created").on(t.org_id, t.created_at, t.id),
    // The error list (`events(filter: {errorsOnly: true})`): only error rows are indexed, so it costs writes little.
    index("events_org_errors").on(t.org_id, t.created_at, t.id).where(eventIsProviderError),
    // routingRuleStats compares a rule's routed slice with its unrouted one
    index("events_org_rule").on(t.org_id, t.routing_rule_id, t.created_at).where(sql`routing_rule_id IS NOT NULL`),
  ],
);

/**
 * Which event counted a provider object's usage: a response read back or a batch polled reports the
 * same usage many times, from any replica; the first event written claims it, later ones carry none.
 */
export const usageClaims = sqliteTable(
  "usage_claims",
  {
    org_id: text("org_id").notNull(),
    claim: text("claim").notNull(),
    event_id: text("event_id").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.claim] })],
);

/** Per-org routing rules, applied in `position` order (src/routing/rules.ts). */
export const routingRules = sqliteTable(
  "routing_rules",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    position: integer("position").notNull(),
    feature: text("feature"),
    task: text("task"),
    model: text("model"),
    provider: text("provider"),
    target_model: text("target_model").notNull(),
    target_provider: text("target_provider"),
    percent: integer("percent").notNull().default(100),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("routing_rules_org").on(t.org_id, t.position)],
);

/**
 * Org price overrides (negotiated discounts, fine-tuned or self-hosted
 * models), USD per 1M tokens. A change is a new row with a later
 * effective_from, like the built-in registry.
 */
export const modelPrices = sqliteTable(
  "model_prices",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    effective_from: integer("effective_from").notNull(),
    input_per_mtok: real("input_per_mtok").notNull(),
    cached_input_per_mtok: real("cached_input_per_mtok"),
    cache_write_per_mtok: real("cache_write_per_mtok"),
    output_per_mtok: real("output_per_mtok").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("model_prices_org").on(t.org_id, t.provider, t.model, t.effective_from)],
);

/**
 * Rollups: the sums the dashboard queries read instead of events, written in
 * the same transaction as the events they count (src/db/events.ts). Hourly
 * rows keep every dimension; daily (UTC) rows drop feature and task, which no
 * dashboard query groups by, so a 90-day query reads a few rows per model per
 * day. `feature` and `task` hold '' for none, so the primary key can match
 * them. `latency_h00`…`latency_h31` count requests per latency bucket
 * (src/stats/histogram.ts).
 */
export const rollupsHourly = sqliteTable(
  "rollups_hourly",
  {
    org_id: text("org_id").notNull(),
    hour: integer("hour").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    feature: text("feature").notNull(),
    task: text("task").notNull(),
    ...sumColumns(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.hour, t.provider, t.model, t.feature, t.task] })],
);

export const rollupsDaily = sqliteTable(
  "rollups_daily",
  {
    org_id: text("org_id").notNull(),
    day: integer("day").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    ...sumColumns(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.day, t.provider, t.model] })],
);

/** Requests per org, hour or day, provider and HTTP status (providerHealth's status counts). */
export const statusCountsHourly = sqliteTable(
  "status_counts_hourly",
  {
    org_id: text("org_id").notNull(),
    hour: integer("hour").notNull(),
    provider: text("provider").notNull(),
    status: integer("status").notNull(),
    requests: integer("requests").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.hour, t.provider, t.status] })],
);

export const statusCountsDaily = sqliteTable(
  "status_counts_daily",
  {
    org_id: text("org_id").notNull(),
    day: integer("day").notNull(),
    provider: text("provider").notNull(),
    status: integer("status").notNull(),
    requests: integer("requests").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.day, t.provider, t.status] })],
);

/**
 * Budgets (spend per period) and rate limits (per minute), written by people
 * through GraphQL; the sync thread keeps them in memory (src/budgets/).
 */
export const budgets = sqliteTable(
  "budgets",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    name: text("name").notNull(),
    feature: text("feature"),
    task: text("task"),
    key_id: text("key_id"),
    provider: text("provider"),
    /** An exact model id, or a prefix ending in `*`. */
    model: text("model"),
    /** `day`, `week` or `month`. */
    period: text("period").notNull(),
    time_zone: text("time_zone").notNull().default("UTC"),
    amount_usd: real("amount_usd").notNull(),
    /** JSON array of percents of the amount at which an alert goes out. */
    thresholds: text("thresholds").notNull().default("[50,80,100]"),
    /** `alert` or `block`. */
    action: text("action").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
    /** JSON array of routes and models a block budget admits although their cost cannot be estimated first. */
    exempt: text("exempt").notNull().default("[]"),
  },
  (t) => [uniqueIndex("budgets_org_name").on(t.org_id, t.name)],
);

export const rateLimits = sqliteTable(
  "rate_limits",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    name: text("name").notNull(),
    key_id: text("key_id"),
    feature: text("feature"),
    requests_per_minute: integer("requests_per_minute"),
    tokens_per_minute: integer("tokens_per_minute"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("rate_limits_org_name").on(t.org_id, t.name)],
);

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id")
      .notNull()
      .references(() => orgs.id),
    url: text("url").notNull(),
    /** `slack` or `json`. */
    format: text("format").notNull(),
    /** HMAC-SHA256 key for the signature header. */
    secret: text("secret").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("webhooks_org").on(t.org_id)],
);

/** An alert goes out once per budget, period, kind and threshold, whichever replica sees it first. */
export const budgetAlerts = sqliteTable(
  "budget_alerts",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    budget_id: text("budget_id").notNull(),
    period_start: integer("period_start").notNull(),
    /** `threshold` or `forecast`. */
    kind: text("kind").notNull(),
    threshold: integer("threshold").notNull(),
    spent_usd: real("spent_usd").notNull(),
    forecast_usd: real("forecast_usd").notNull(),
    amount_usd: real("amount_usd").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("budget_alerts_once").on(t.budget_id, t.period_start, t.kind, t.threshold),
    index("budget_alerts_org").on(t.org_id, t.created_at),
  ],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    alert_id: text("alert_id").notNull(),
    webhook_id: text("webhook_id").notNull(),
    attempt: integer("attempt").notNull(),
    /** The receiver's HTTP status; null when it could not be reached. */
    status: integer("status"),
    error: text("error"),
    delivered: integer("delivered").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("webhook_deliveries_org").on(t.org_id, t.created_at)],
);

/**
 * What each replica uses and may still take of a budget's period or a rate
 * limit's minute; a row with subject '' is the replica's heartbeat.
 */
export const budgetShares = sqliteTable(
  "budget_shares",
  {
    replica_id: text("replica_id").notNull(),
    subject_id: text("subject_id").notNull(),
    window_start: integer("window_start").notNull(),
    reserved_usd: real("reserved_usd").notNull(),
    requests: integer("requests").notNull(),
    tokens: integer("tokens").notNull(),
    lease_usd: real("lease_usd").notNull(),
    lease_requests: real("lease_requests").notNull(),
    lease_tokens: real("lease_tokens").notNull(),
    demand: real("demand").notNull(),
    updated_at: integer("updated_at").notNull(),
    /** What callers asked to retry on this replica still wait for (USD). */
    want_usd: real("want_usd").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.replica_id, t.subject_id] })],
);

/**
 * Reconciliation against the providers' admin usage and cost APIs
 * (src/reconcile/). An org's admin key is stored only sealed with
 * LECTR_SECRETS_KEY (AES-256-GCM); `reconcile_sources` names the provider
 * API key ids, projects or workspaces that belong to the org.
 */
export const reconcileCredentials = sqliteTable(
  "reconcile_credentials",
  {
    org_id: text("org_id").notNull().references(() => orgs.id),
    provider: text("provider").notNull(),
    /** base64url(iv ‖ AES-256-GCM ciphertext ‖ tag) of the admin key: never the key itself. */
    sealed_key: text("sealed_key").notNull(),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.provider] })],
);

export const reconcileSources = sqliteTable(
  "reconcile_sources",
  {
    org_id: text("org_id").notNull().references(() => orgs.id),
    provider: text("provider").notNull(),
    /** `api_key`, `project` (OpenAI) or `workspace` (Anthropic). */
    kind: text("kind").notNull(),
    source_id: text("source_id").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.provider, t.kind, t.source_id] })],
);

export const reconcileSettings = sqliteTable("reconcile_settings", {
  org_id: text("org_id").primaryKey().references(() => orgs.id),
  /** Alert when a day's unseen spend for a provider passes this; null: no alert. */
  unseen_alert_usd: real("unseen_alert_usd"),
  /** Alert when a day's price drift for a provider passes this (either sign); null: no alert. */
  drift_alert_usd: real("drift_alert_usd"),
  updated_at: integer("updated_at").notNull(),
});

export const reconcileRuns = sqliteTable(
  "reconcile_runs",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    provider: text("provider").notNull(),
    from_day: integer("from_day").notNull(),
    to_day: integer("to_day").notNull(),
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at").notNull(),
    /** `ok`, or the kind of failure (`unauthorized`, `rate_limited`, `provider_error`, `malformed`, `currency`, `timeout`, `too_many_pages`, `unreachable`). */
    status: text("status").notNull(),
    error: text("error"),
    api_calls: integer("api_calls").notNull(),
    rows: integer("rows").notNull(),
  },
  (t) => [index("reconcile_runs_org").on(t.org_id, t.started_at)],
);

/** One row per org × provider × UTC day × model; `source` '' is the comparison row, others the provider's figures per key/project/workspace. */
export const reconcileRows = sqliteTable(
  "reconcile_rows",
  {
    org_id: text("org_id").notNull(),
    provider: text("provider").notNull(),
    day: integer("day").notNull(),
    model: text("model").notNull(),
    source: text("source").notNull(),
    run_id: text("run_id").notNull(),
    lectr_requests: integer("lectr_requests"),
    lectr_uncached_input_tokens: integer("lectr_uncached_input_tokens"),
    lectr_cache_read_tokens: integer("lectr_cache_read_tokens"),
    lectr_cache_write_5m_tokens: integer("lectr_cache_write_5m_tokens"),
    lectr_cache_write_1h_tokens: integer("lectr_cache_write_1h_tokens"),
    lectr_output_tokens: integer("lectr_output_tokens"),
    lectr_cost_usd: real("lectr_cost_usd"),
    provider_requests: integer("provider_requests"),
    provider_uncached_input_tokens: integer("provider_uncached_input_tokens"),
    provider_cache_read_tokens: integer("provider_cache_read_tokens"),
    provider_cache_write_5m_tokens: integer("provider_cache_write_5m_tokens"),
    provider_cache_write_1h_tokens: integer("provider_cache_write_1h_tokens"),
    provider_output_tokens: integer("provider_output_tokens"),
    billed_usd: real("billed_usd"),
    /** Lectr's price book applied to the provider's own token counts. */
    expected_usd: real("expected_usd"),
    unseen_usd: real("unseen_usd"),
    drift_usd: real("drift_usd"),
    /** `matched`, `provisional` or `mismatched`. */
    status: text("status").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.provider, t.day, t.model, t.source] })],
);

export const reconcileAlerts = sqliteTable(
  "reconcile_alerts",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    provider: text("provider").notNull(),
    day: integer("day").notNull(),
    /** `unseen` or `drift`. */
    kind: text("kind").notNull(),
    amount_usd: real("amount_usd").notNull(),
    threshold_usd: real("threshold_usd").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("reconcile_alerts_once").on(t.org_id, t.provider, t.day, t.kind)],
);

/** Who runs the reconciler when several replicas share the database, and until when. */
export const reconcileLease = sqliteTable("reconcile_lease", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expires_at: integer("expires_at").notNull(),
});

export type EventRow = typeof events.$inferInsert;
export type OrgRow = typeof orgs.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
