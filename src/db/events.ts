/** The only SQL over `events`. */
import type { InStatement, InValue } from "@libsql/client";
import { and, count, desc, eq, getTableColumns, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { eventIsProviderError, events, type EventRow } from "./tables.ts";
import { touchKeysStatements } from "./orgs.ts";
import { costAdjustStatements, rollupStatements, type CostChange } from "./rollups.ts";
import type { WritePath } from "./write-path.ts";
import { chunks } from "../lib/chunks.ts";
import { aggregateEvents, type RollupEvent } from "../stats/aggregate.ts";
import type { Period } from "../stats/period.ts";
import type { Usage } from "../providers/types.ts";
import { bucketBounds, latencyBucketCount } from "../stats/histogram.ts";
import type { Slice, SliceCount } from "../routing/stats.ts";

const columns = Object.values(getTableColumns(events)).map((c) => c.name) as (keyof EventRow)[];
/** 256 rows × 23 values per INSERT at most, well below SQLite's 32,766 bound variables. */
const maxRowsPerStatement = 256;

function insertStatement(rows: readonly EventRow[]): InStatement {
  const row = `(${columns.map(() => "?").join(",")})`;
  const args: InValue[] = [];
  for (const r of rows) for (const c of columns) args.push(r[c] ?? null);
  return { sql: `INSERT INTO events (${columns.join(",")}) VALUES ${new Array(rows.length).fill(row).join(",")} ON CONFLICT DO NOTHING`, args };
}

/** The rows with each id once (the last of a repeated id wins); the same array when no id repeats, the usual case. */
function withoutRepeats(rows: EventRow[]): EventRow[] {
  const ids = new Set<string>();
  for (const r of rows) ids.add(r.id);
  return ids.size === rows.length ? rows : [...new Map(rows.map((r) => [r.id, r])).values()];
}

/**
 * Writes one batch in one transaction: the events, their rollups and the
 * keys' last-use times, as one batch of statements (one round trip to a
 * libSQL server). Raw multi-row VALUES: on the embedded file in power-of-two
 * chunks, so the write path's prepared statements are reused (drizzle's
 * builder cost more than the insert itself at this volume); on a server one
 * statement for all the events. Rollups count only events this call stored: after each
 * insert a guard fails the whole batch if any row was already there (a batch
 * retried after its commit landed), and the batch is rewritten without them.
 */
export async function insertEvents(writePath: WritePath, rows: EventRow[]): Promise<void> {
  const unique = withoutRepeats(rows);
  if (unique.length === 0) return;
  try {
    await writePath.batch(batchStatements(unique, writePath.reusesStatements));
  } catch (err) {
    if (!String((err as Error)?.message ?? err).includes(guardFailure)) throw err;
    await writeWithoutStored(writePath, unique);
  }
}

/** abs() of the smallest integer is SQLite's one runtime error a SELECT can raise on demand. */
const guardFailure = "integer overflow";
const guardStatement = (inserted: number): InStatement => ({
  sql: "SELECT CASE WHEN changes() = ? THEN 0 ELSE abs(-9223372036854775807 - 1) END",
  args: [inserted],
});

function batchStatements(rows: EventRow[], reusesStatements: boolean): InStatement[] {
  const inserts: [InStatement, number][] = reusesStatements
    ? chunks(rows, maxRowsPerStatement).map((part) => [insertStatement(part), part.length])
    : [[jsonInsertStatement(rows), rows.length]];
  return [...inserts.flatMap(([insert, n]) => [insert, guardStatement(n)]), ...rollupAndTouchStatements(rows)];
}

/**
 * The whole batch as one JSON argument, unpacked by the server: a libSQL
 * server gets one bound value instead of 29 per row, each wrapped in its
 * own JSON object by the protocol. Encoding those cost the writer about
 * three times the CPU of this one string (bench/BASELINE.md).
 */
const jsonInsertSql = `INSERT INTO events (${columns.join(",")}) SELECT ${columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(",")} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`;
function jsonInsertStatement(rows: readonly EventRow[]): InStatement {
  const values: unknown[][] = [];
  for (const r of rows) values.push(columns.map((c) => r[c] ?? null));
  return { sql: jsonInsertSql, args: [JSON.stringify(values)] };
}

function rollupAndTouchStatements(rows: EventRow[]): InStatement[] {
  const lastUsed = new Map<string, number>();
  for (const r of rows) lastUsed.set(r.key_id, Math.max(lastUsed.get(r.key_id) ?? 0, r.created_at));
  return [...rollupStatements(aggregateEvents(rows)), ...touchKeysStatements(lastUsed)];
}

/** The rare path: some ids are stored already; find them inside the transaction and write the rest. */
function writeWithoutStored(writePath: WritePath, rows: EventRow[]): Promise<void> {
  return writePath.transaction(async (tx) => {
    const stored = new Set<unknown>();
    for (const r of await tx.batch(chunks(rows, 500).map(storedIdsStatement))) for (const row of r.rows) stored.add(row.id);
    const fresh = rows.filter((r) => !stored.has(r.id));
    if (fresh.length === 0) return;
    await tx.batch([...chunks(fresh, maxRowsPerStatement).map(insertStatement), ...rollupAndTouchStatements(fresh)]);
  });
}

const storedIdsStatement = (rows: readonly EventRow[]): InStatement => ({
  sql: `SELECT id FROM events WHERE id IN (${rows.map(() => "?").join(",")})`,
  args: rows.map((r) => r.id),
});

export async function countEvents(db: Db, orgId?: string): Promise<number> {
  const q = db.select({ n: count() }).from(events);
  const rows = orgId ? await q.where(eq(events.org_id, orgId)) : await q;
  return rows[0]?.n ?? 0;
}

export async function recentEvents(db: Db, orgId: string, limit = 50) {
  return db.select().from(events).where(eq(events.org_id, orgId)).orderBy(desc(events.created_at), desc(events.id)).limit(limit);
}

export async function findEvent(db: Db, id: string) {
  return (await db.select().from(events).where(eq(events.id, id)))[0];
}

/** Ranges of `created_at`, tagged with the part of the answer they belong to. */
export type PartRange = Period & { part: number };

/**
 * The columns rollups are made of, for events in `ranges` (the partial hours
 * at a period's edges), in one statement.
 */
export async function eventsForRollup(
  db: Db,
  q: { orgId: string; ranges: readonly PartRange[]; provider?: string | null; model?: string | null },
): Promise<(RollupEvent & { part: number })[]> {
  if (q.ranges.length === 0) return [];
  const args: (string | number)[] = [];
  const branches = q.ranges.map((r) => {
    args.push(r.part, q.orgId, r.from, r.to);
    let where = "org_id = ? AND created_at >= ? AND created_at < ?";
    if (q.provider != null) {
      where += " AND provider = ?";
      args.push(q.provider);
    }
    if (q.model != null) {
      where += " AND model = ?";
      args.push(q.model);
    }
    return `SELECT ? AS part, org_id, created_at, provider, model, feature, task, status, error_code, latency_ms, cost_usd, price_known, input_tokens, output_tokens FROM events WHERE ${where}`;
  });
  const res = await db.$client.execute({ sql: branches.join(" UNION ALL "), args });
  return res.rows.map((r) => ({
    part: Number(r.part),
    org_id: String(r.org_id),
    created_at: Number(r.created_at),
    provider: String(r.provider),
    model: String(r.model),
    feature: r.feature === null ? null : String(r.feature),
    task: r.task === null ? null : String(r.task),
    status: Number(r.status),
    error_code: r.error_code === null ? null : String(r.error_code),
    latency_ms: Number(r.latency_ms),
    cost_usd: r.cost_usd === null ? null : Number(r.cost_usd),
    price_known: Boolean(r.price_known),
    input_tokens: r.input_tokens === null ? null : Number(r.input_tokens),
    output_tokens: r.output_tokens === null ? null : Number(r.output_tokens),
  }));
}

export interface EventFilter {
  /** One request, by its id (X-Lectr-Request-Id). */
  id?: string | null;
  keyId?: string | null;
  /** created_at ≥ from. */
  from?: number | null;
  /** created_at < to. */
  to?: number | null;
  provider?: string | null;
  model?: string | null;
  feature?: string | null;
  task?: string | null;
  status?: number | null;
  errorsOnly?: boolean | null;
  providerUnknown?: boolean | null;
}

export type StoredEvent = typeof events.$inferSelect;

/** A position in the newest-first order: events strictly older than it come next. */
export interface EventPosition {
  createdAt: number;
  id: string;
}

/** One page of an org's events, newest first (ties broken by id), after `after`; `limit` rows at most. */
export async function listEvents(
  db: Db,
  q: { orgId: string; limit: number; after?: EventPosition; filter?: EventFilter },
): Promise<StoredEvent[]> {
  const where = filterConditions(q.orgId, q.filter ?? {});
  // a row-value comparison, so SQLite seeks the index to the cursor instead of scanning down to it
  if (q.after) where.push(sql`(${events.created_at}, ${events.id}) < (${q.after.createdAt}, ${q.after.id})`);
  return db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.created_at), desc(events.id))
    .limit(q.limit);
}

function filterConditions(orgId: string, f: EventFilter): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [eq(events.org_id, orgId)];
  if (f.id != null) where.push(eq(events.id, f.id));
  if (f.keyId != null) where.push(eq(events.key_id, f.keyId));
  if (f.from != null) where.push(gte(events.created_at, f.from));
  if (f.to != null) where.push(lt(events.created_at, f.to));
  if (f.provider != null) where.push(eq(events.provider, f.provider));
  if (f.model != null) where.push(eq(events.model, f.model));
  if (f.feature != null) where.push(eq(events.feature, f.feature));
  if (f.task != null) where.push(eq(events.task, f.task));
  if (f.status != null) where.push(eq(events.status, f.status));
  if (f.providerUnknown != null) where.push(eq(events.provider_unknown, f.providerUnknown));
  if (f.errorsOnly) where.push(eventIsProviderError);
  return where;
}

/** The columns events may be grouped by, by the name the API uses. */
export const eventDimensions = { provider: "provider", model: "model", feature: "feature", task: "task", key: "key_id", status: "status" } as const;
export type EventDimension = keyof typeof eventDimensions;

export interface EventGroup {
  /** One per dimension, in order; null where the event had none (an untagged request). */
  values: (string | null)[];
  /** For `key`, the key's prefix; otherwise the value. */
  labels: (string | null)[];
  requests: number;
  errors: number;
  unpriced: number;
  cost_usd: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  latency_sum_ms: number;
}

/**
 * An org's events in the filter, summed per group of up to two dimensions,
 * costliest first (then most requests): the first `limit` groups, and the
 * sum over all of them. Reads the events themselves (the rollups keep neither
 * keys, statuses per model nor cached and reasoning tokens): two statements,
 * each one pass over the period through events_org_created.
 */
export async function groupEvents(
  db: Db,
  q: { orgId: string; by: readonly EventDimension[]; filter: EventFilter; limit: number },
): Promise<{ groups: EventGroup[]; total: EventGroup }> {
  const where = and(...filterConditions(q.orgId, q.filter));
  const sums = sql`COUNT(*) AS requests,
    TOTAL(CASE WHEN ${eventIsProviderError} THEN 1 ELSE 0 END) AS errors,
    TOTAL(CASE WHEN price_known THEN 0 ELSE 1 END) AS unpriced,
    TOTAL(cost_usd) AS cost_usd, TOTAL(input_tokens) AS input_tokens, TOTAL(cached_input_tokens) AS cached_input_tokens,
    TOTAL(output_tokens) AS output_tokens, TOTAL(reasoning_tokens) AS reasoning_tokens, TOTAL(latency_ms) AS latency_sum_ms`;
  const dims = q.by.map((d, i) => sql.raw(`events.${eventDimensions[d]} AS d${i}`));
  const labels = q.by.map((d, i) =>
    d === "key" ? sql.raw(`(SELECT prefix FROM api_keys WHERE api_keys.id = events.key_id) AS l${i}`) : sql.raw(`events.${eventDimensions[d]} AS l${i}`),
  );
  const groupBy = q.by.map((_, i) => sql.raw(`d${i}`));
  const [grouped, total] = await Promise.all([
    q.by.length === 0
      ? Promise.resolve([])
      : db.all<Record<string, unknown>>(
          sql`SELECT ${sql.join([...dims, ...labels], sql`, `)}, ${sums} FROM events WHERE ${where} GROUP BY ${sql.join(groupBy, sql`, `)} ORDER BY cost_usd DESC, requests DESC LIMIT ${q.limit}`,
        ),
    db.all<Record<string, unknown>>(sql`SELECT ${sums} FROM events WHERE ${where}`),
  ]);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const row = (r: Record<string, unknown>): EventGroup => ({
    values: q.by.map((_, i) => text(r[`d${i}`])),
    labels: q.by.map((_, i) => text(r[`l${i}`])),
    requests: Number(r.requests),
    errors: Number(r.errors),
    unpriced: Number(r.unpriced),
    cost_usd: Number(r.cost_usd),
    input_tokens: Number(r.input_tokens),
    cached_input_tokens: Number(r.cached_input_tokens),
    output_tokens: Number(r.output_tokens),
    reasoning_tokens: Number(r.reasoning_tokens),
    latency_sum_ms: Number(r.latency_sum_ms),
  });
  return { groups: grouped.map(row), total: { ...row(total[0] ?? {}), values: [], labels: [] } };
}

/** One branch per latency bucket of src/stats/histogram.ts, so SQL counts exactly what latencyBucket would. */
const latencyBucketSql = sql.raw(
  `CASE ${Array.from({ length: latencyBucketCount - 1 }, (_, i) => `WHEN latency_ms < ${bucketBounds(i)[1]} THEN ${i}`).join(" ")} ELSE ${latencyBucketCount - 1} END`,
);

/**
 * A routing rule's matching requests in [from, to), counted per slice (routed,
 * control, skipped) and latency bucket: at most 96 rows, in one statement that
 * seeks the events_org_rule index.
 */
export async function ruleSliceCounts(db: Db, q: { orgId: string; ruleId: string; from: number; to: number }): Promise<SliceCount[]> {
  const rows = await db.all<Record<string, unknown>>(sql`
    SELECT CASE WHEN routed_from_model IS NOT NULL THEN 'routed' WHEN routing_skipped IS NULL THEN 'control' ELSE 'skipped' END AS slice,
      ${latencyBucketSql} AS bucket,
      count(*) AS requests,
      sum(CASE WHEN ${eventIsProviderError} THEN 1 ELSE 0 END) AS errors,
      coalesce(sum(cost_usd), 0) AS cost_usd,
      count(cost_usd) AS costed,
      sum(latency_ms) AS latency_sum_ms, min(latency_ms) AS latency_min_ms, max(latency_ms) AS latency_max_ms
    FROM events
    WHERE org_id = ${q.orgId} AND routing_rule_id = ${q.ruleId} AND created_at >= ${q.from} AND created_at < ${q.to}
    GROUP BY slice, bucket`);
  return rows.map((r) => ({
    slice: String(r.slice) as Slice,
    bucket: Number(r.bucket),
    requests: Number(r.requests),
    errors: Number(r.errors),
    costUsd: Number(r.cost_usd),
    costed: Number(r.costed),
    latencySumMs: Number(r.latency_sum_ms),
    latencyMinMs: Number(r.latency_min_ms),
    latencyMaxMs: Number(r.latency_max_ms),
  }));
}

/** What a stored event is priced from, and the cost it holds now. */
export interface StoredCall {
  provider: string;
  model: string;
  responseModel: string | null;
  at: number;
  /** undefined when the call reported none. */
  usage: Usage | undefined;
}

export interface StoredCost {
  costUsd: number | null;
  priceKnown: boolean;
  costSource: string;
}

export interface RecostTotals {
  eventsChecked: number;
  eventsChanged: number;
  /** Sum of new − old cost_usd over the changed events (null counts as 0). */
  deltaUsd: number;
}

/** Rows per re-costing transaction: a few milliseconds of work on the thread that also serves requests. */
const recostChunkRows = 250;
const recostColumns =
  "id, created_at, provider, model, response_model, feature, task, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, cost_usd, price_known, cost_source";

/**
 * Prices an org's events in [from, to) again with `price` (optionally only those naming `model`,
 * as requested or as the response named it) and stores what changed: cost_usd, price_known,
 * cost_source, and the rollups by the same deltas. A chunk at a time, oldest first; each chunk is
 * read, updated and its rollups adjusted in one write transaction, so nothing written in between
 * is lost and a failure leaves every chunk either fully done or untouched. Running it twice
 * changes nothing the second time.
 */
export async function recostEvents(
  writePath: WritePath,
  q: { orgId: string; from: number; to: number; model?: string | null },
  price: (call: StoredCall) => StoredCost,
): Promise<RecostTotals> {
  const totals: RecostTotals = { eventsChecked: 0, eventsChanged: 0, deltaUsd: 0 };
  let after: EventPosition = { createdAt: q.from, id: "" };
  for (let more = true; more; ) {
    // The embedded write path runs statements synchronously: let requests in between chunks.
    if (totals.eventsChecked > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    more = await writePath.transaction(async (tx) => {
      const [read] = await tx.batch([recostChunkStatement(q, after)]);
      const rows = read?.rows ?? [];
      const updates: InStatement[] = [];
      const changes: CostChange[] = [];
      for (const r of rows) {
        const old = { costUsd: numberOrNull(r.cost_usd), priceKnown: Boolean(r.price_known), costSource: r.cost_source == null ? null : String(r.cost_source) };
        // a cut stream's estimate has no token counts to price again from
        if (old.costSource === "estimated") continue;
        const next = price({
          provider: String(r.provider),
          model: String(r.model),
          responseModel: r.response_model == null ? null : String(r.response_model),
          at: Number(r.created_at),
          usage: storedUsage(r),
        });
        if (next.costUsd === old.costUsd && next.priceKnown === old.priceKnown && next.costSource === old.costSource) continue;
        updates.push({ sql: "UPDATE events SET cost_usd = ?, price_known = ?, cost_source = ? WHERE id = ?", args: [next.costUsd, next.priceKnown ? 1 : 0, next.costSource, String(r.id)] });
        const costDelta = (next.costUsd ?? 0) - (old.costUsd ?? 0);
        changes.push({
          orgId: q.orgId,
          createdAt: Number(r.created_at),
          provider: String(r.provider),
          model: String(r.model),
          feature: r.feature == null ? null : String(r.feature),
          task: r.task == null ? null : String(r.task),
          costDelta,
          unpricedDelta: Number(!next.priceKnown) - Number(!old.priceKnown),
        });
        totals.deltaUsd += costDelta;
      }
      await tx.batch([...updates, ...costAdjustStatements(changes)]);
      totals.eventsChecked += rows.length;
      totals.eventsChanged += updates.length;
      const last = rows[rows.length - 1];
      if (last) after = { createdAt: Number(last.created_at), id: String(last.id) };
      return rows.length === recostChunkRows;
    });
  }
  return totals;
}

function recostChunkStatement(q: { orgId: string; to: number; model?: string | null }, after: EventPosition): InStatement {
  const args: InValue[] = [q.orgId, q.to, after.createdAt, after.id];
  let where = "org_id = ? AND created_at < ? AND (created_at, id) > (?, ?)";
  if (q.model != null) {
    where += " AND (model = ? OR response_model = ?)";
    args.push(q.model, q.model);
  }
  args.push(recostChunkRows);
  return { sql: `SELECT ${recostColumns} FROM events WHERE ${where} ORDER BY created_at, id LIMIT ?`, args };
}

/** The usage a stored event was priced from; events without input_tokens reported none. */
function storedUsage(r: Record<string, unknown>): Usage | undefined {
  if (r.input_tokens == null) return undefined;
  const n = (v: unknown) => (v == null ? 0 : Number(v));
  return {
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    cachedInputTokens: n(r.cached_input_tokens),
    cacheWriteTokens: n(r.cache_write_tokens),
    cacheWrite1hTokens: n(r.cache_write_1h_tokens),
    reasoningTokens: n(r.reasoning_tokens),
  };
}

const numberOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

/**
 * Requests and tokens of an org's unpriced events in [from, to) for the given provider and model
 * pairs, in one statement: for models the rollups show as only partly unpriced, whose tokens they
 * cannot split.
 */
export async function unpricedTotals(
  db: Db,
  q: { orgId: string; from: number; to: number; models: readonly { provider: string; model: string }[] },
): Promise<{ provider: string; model: string; requests: number; inputTokens: number; outputTokens: number }[]> {
  if (q.models.length === 0) return [];
  const pairs = q.models.map(() => "(?, ?)").join(", ");
  const res = await db.$client.execute({
    sql: `SELECT provider, model, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens
      FROM events WHERE org_id = ? AND created_at >= ? AND created_at < ? AND price_known = 0 AND (provider, model) IN (VALUES ${pairs})
      GROUP BY provider, model`,
    args: [q.orgId, q.from, q.to, ...q.models.flatMap((m) => [m.provider, m.model])],
  });
  return res.rows.map((r) => ({
    provider: String(r.provider),
    model: String(r.model),
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
  }));
}
