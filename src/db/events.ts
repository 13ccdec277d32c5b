/** The only SQL over `events`. */
import type { InStatement, InValue } from "@libsql/client";
import { and, count, desc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
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

/** Some of the batch's ids were stored before (a batch retried after its commit landed). */
class AlreadyStored extends Error {}

/**
 * Writes one batch in one transaction: the events, their rollups and the
 * keys' last-use times. Raw multi-row VALUES in power-of-two chunks, so the
 * write path's prepared statements are reused (drizzle's builder cost more
 * than the insert itself at this volume). Rollups count only events this call
 * stored: an event already present (a batch retried after its commit landed)
 * is skipped by the insert, noticed by the row count, and the batch is
 * rewritten without it.
 */
export async function insertEvents(writePath: WritePath, rows: EventRow[]): Promise<void> {
  const unique = withoutRepeats(rows);
  if (unique.length === 0) return;
  try {
    await writeBatch(writePath, unique, false);
  } catch (err) {
    if (!(err instanceof AlreadyStored)) throw err;
    await writeBatch(writePath, unique, true);
  }
}

function writeBatch(writePath: WritePath, rows: EventRow[], skipStored: boolean): Promise<void> {
  return writePath.transaction(async (tx) => {
    let fresh = rows;
    if (skipStored) {
      const stored = new Set<unknown>();
      for (const r of await tx.batch(chunks(rows, 500).map(storedIdsStatement))) for (const row of r.rows) stored.add(row.id);
      fresh = rows.filter((r) => !stored.has(r.id));
    }
    const inserted = (await tx.batch(chunks(fresh, maxRowsPerStatement).map(insertStatement))).reduce((n, r) => n + r.rowsAffected, 0);
    if (inserted !== fresh.length) throw new AlreadyStored();
    const lastUsed = new Map<string, number>();
    for (const r of fresh) lastUsed.set(r.key_id, Math.max(lastUsed.get(r.key_id) ?? 0, r.created_at));
    await tx.batch([...rollupStatements(aggregateEvents(fresh)), ...touchKeysStatements(lastUsed)]);
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
  const f = q.filter ?? {};
  const where: (SQL | undefined)[] = [eq(events.org_id, q.orgId)];
  // a row-value comparison, so SQLite seeks the index to the cursor instead of scanning down to it
  if (q.after) where.push(sql`(${events.created_at}, ${events.id}) < (${q.after.createdAt}, ${q.after.id})`);
  if (f.provider != null) where.push(eq(events.provider, f.provider));
  if (f.model != null) where.push(eq(events.model, f.model));
  if (f.feature != null) where.push(eq(events.feature, f.feature));
  if (f.task != null) where.push(eq(events.task, f.task));
  if (f.status != null) where.push(eq(events.status, f.status));
  if (f.providerUnknown != null) where.push(eq(events.provider_unknown, f.providerUnknown));
  if (f.errorsOnly) where.push(eventIsProviderError);
  return db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.created_at), desc(events.id))
    .limit(q.limit);
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
  "id, created_at, provider, model, response_model, feature, task, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, price_known, cost_source";

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
