/** The SQL that writes and pages `events`; grouping is in event-groups.ts, re-costing in recost.ts. */
import type { InStatement, InValue } from "@libsql/client";
import { and, count, desc, eq, getTableColumns, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { eventIsProviderError, events, type EventRow } from "./tables.ts";
import { touchKeysStatements } from "./orgs.ts";
import { rollupStatements } from "./rollups.ts";
import type { WritePath } from "./write-path.ts";
import { hasClaims, settleClaims } from "./usage-claims.ts";
import { chunks } from "../lib/chunks.ts";
import { aggregateEvents, type RollupEvent } from "../stats/aggregate.ts";
import type { Period } from "../stats/period.ts";

const columns = Object.values(getTableColumns(events)).map((c) => c.name) as (keyof EventRow)[];
/** 256 rows × one value per column of `events` per INSERT at most: below SQLite's 32,766 bound variables while the table has under 128 columns. */
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
 * retried after its commit landed), and the batch is rewritten without them. Events whose usage is
 * counted once per provider object claim it first, in the same transaction (usage-claims.ts).
 */
export async function insertEvents(writePath: WritePath, rows: EventRow[]): Promise<void> {
  const unique = withoutRepeats(rows);
  if (unique.length === 0) return;
  try {
    if (hasClaims(unique)) {
      await writePath.transaction(async (tx) => tx.batch(batchStatements(await settleClaims(tx, unique), writePath.reusesStatements)));
    } else {
      await writePath.batch(batchStatements(unique, writePath.reusesStatements));
    }
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
    const unstored = rows.filter((r) => !stored.has(r.id));
    if (unstored.length === 0) return;
    const fresh = await settleClaims(tx, unstored);
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

export function filterConditions(orgId: string, f: EventFilter): (SQL | undefined)[] {
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
