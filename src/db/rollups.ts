/**
 * The only SQL over the rollup tables (`rollups_hourly`, `rollups_daily`,
 * `status_counts_hourly`, `status_counts_daily`): the upserts the event writer
 * runs inside its transaction, and the sums the dashboard reads.
 */
import type { InStatement, InValue } from "@libsql/client";
import type { Db } from "./client.ts";
import { histogramColumnNames } from "./tables.ts";
import { chunks } from "../lib/chunks.ts";
import { emptySums, type BatchRollups, type RollupDelta, type StatusDelta, type Sums } from "../stats/aggregate.ts";
import { dayMs, floorTo, hourMs } from "../stats/period.ts";

export type Span = "hour" | "day";

const tables = {
  hour: { rollups: "rollups_hourly", statuses: "status_counts_hourly", time: "hour", keys: ["org_id", "hour", "provider", "model", "feature", "task"] },
  day: { rollups: "rollups_daily", statuses: "status_counts_daily", time: "day", keys: ["org_id", "day", "provider", "model"] },
} as const;

/** Columns an upsert adds to the stored row. */
const addedColumns = ["requests", "errors", "unpriced", "cost_usd", "input_tokens", "output_tokens", "latency_sum_ms", ...histogramColumnNames];
const sumColumns = [...addedColumns, "latency_min_ms", "latency_max_ms", "last_error_at"];
/** 128 rows × at most 49 values stays far below SQLite's 32,766 bound variables. */
const maxRowsPerStatement = 128;

function rollupUpsert(span: Span, rows: number): string {
  const { rollups, keys } = tables[span];
  const columns = [...keys, ...sumColumns];
  return `INSERT INTO ${rollups} (${columns.join(", ")}) VALUES ${placeholders(columns.length, rows)}
    ON CONFLICT (${keys.join(", ")}) DO UPDATE SET
    ${addedColumns.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")},
    latency_min_ms = min(latency_min_ms, excluded.latency_min_ms),
    latency_max_ms = max(latency_max_ms, excluded.latency_max_ms),
    last_error_at = coalesce(max(last_error_at, excluded.last_error_at), last_error_at, excluded.last_error_at)`;
}

function statusUpsert(span: Span, rows: number): string {
  const { statuses, time } = tables[span];
  return `INSERT INTO ${statuses} (org_id, ${time}, provider, status, requests) VALUES ${placeholders(5, rows)}
    ON CONFLICT (org_id, ${time}, provider, status) DO UPDATE SET requests = requests + excluded.requests`;
}

/** The statements that add a batch's rollups; the caller runs them in the batch's transaction. */
export function rollupStatements(batch: BatchRollups): InStatement[] {
  return [
    ...chunked(batch.hours, (rows) => ({ sql: rollupUpsert("hour", rows.length), args: rows.flatMap((r) => rollupArgs(r, true)) })),
    ...chunked(batch.days, (rows) => ({ sql: rollupUpsert("day", rows.length), args: rows.flatMap((r) => rollupArgs(r, false)) })),
    ...chunked(batch.hourStatuses, (rows) => ({ sql: statusUpsert("hour", rows.length), args: rows.flatMap(statusArgs) })),
    ...chunked(batch.dayStatuses, (rows) => ({ sql: statusUpsert("day", rows.length), args: rows.flatMap(statusArgs) })),
  ];
}

function rollupArgs(r: RollupDelta, withTags: boolean): InValue[] {
  const key: InValue[] = withTags ? [r.orgId, r.start, r.provider, r.model, r.feature ?? "", r.task ?? ""] : [r.orgId, r.start, r.provider, r.model];
  return [
    ...key,
    r.requests,
    r.errors,
    r.unpriced,
    r.costUsd,
    r.inputTokens,
    r.outputTokens,
    r.latencySumMs,
    ...r.histogram,
    r.latencyMinMs,
    r.latencyMaxMs,
    r.lastErrorAt,
  ];
}

const statusArgs = (s: StatusDelta): InValue[] => [s.orgId, s.start, s.provider, s.status, s.requests];

/** Rollup rows of one span with a start in [from, to), tagged with the part of the answer they feed (e.g. 0 current, 1 previous period). */
export interface RollupRange {
  part: number;
  span: Span;
  from: number;
  to: number;
}

/** `task` and `feature` only over hourly rollups: daily rows drop the tags. */
export type GroupKey = "part" | "provider" | "model" | "slot" | "task" | "feature";

export interface RollupQuery {
  orgId: string;
  ranges: readonly RollupRange[];
  provider?: string | null;
  model?: string | null;
  groupBy: readonly GroupKey[];
  /** With `slot` in groupBy: rows are grouped by start rounded down to this many ms (an hour or a UTC day). */
  slotMs?: number;
  /** Also sum the latency histogram (only percentiles need it). */
  histogram?: boolean;
}

/** `task` (`feature`) only when grouped by it: '' for untagged requests. */
export type UsageRow = { part: number; provider: string; model: string; slot: number; task?: string; feature?: string } & Sums;

const baseSums = [
  "sum(requests) AS requests",
  "sum(errors) AS errors",
  "sum(unpriced) AS unpriced",
  "sum(cost_usd) AS cost_usd",
  "sum(input_tokens) AS input_tokens",
  "sum(output_tokens) AS output_tokens",
  "sum(latency_sum_ms) AS latency_sum_ms",
  "min(latency_min_ms) AS latency_min_ms",
  "max(latency_max_ms) AS latency_max_ms",
  "max(last_error_at) AS last_error_at",
];
const histogramSums = histogramColumnNames.map((c) => `sum(${c}) AS ${c}`);

/**
 * Sums of the rollup rows in `ranges`, grouped as asked, in one statement:
 * each range is an indexed scan of one table grouped on its own, and the
 * groups are added up across ranges.
 */
export async function sumRollups(db: Db, q: RollupQuery): Promise<UsageRow[]> {
  if (q.ranges.length === 0) return [];
  const sums = q.histogram ? [...baseSums, ...histogramSums] : baseSums;
  const grouped = q.groupBy.filter((k) => k !== "part");
  const args: InValue[] = [];
  const branches = q.ranges.map((r) => {
    const { rollups, time } = tables[r.span];
    if (r.span === "day" && (grouped.includes("task") || grouped.includes("feature"))) throw new Error("daily rollups have no tags");
    const keys = grouped.map((k) => (k === "slot" ? `${time} - (${time} % ${slotUnit(q.slotMs)}) AS slot` : k));
    args.push(r.part);
    const where = rangeWhere(r, q, args, true);
    return `SELECT ? AS part, ${[...keys, ...sums].join(", ")} FROM ${rollups} WHERE ${where}${groupClause(grouped)}`;
  });
  const outerKeys = q.groupBy.includes("part") ? ["part", ...grouped] : grouped;
  const sql =
    branches.length === 1
      ? branches[0]!
      : `SELECT ${[...outerKeys, ...reSum(sums)].join(", ")} FROM (${branches.join(" UNION ALL ")})${groupClause(outerKeys)}`;
  const res = await db.$client.execute({ sql, args });
  return res.rows
    .filter((r) => r.requests !== null)
    .map((r) => ({
      part: Number(r.part ?? 0),
      provider: String(r.provider ?? ""),
      model: String(r.model ?? ""),
      slot: Number(r.slot ?? 0),
      ...(grouped.includes("task") ? { task: String(r.task ?? "") } : {}),
      ...(grouped.includes("feature") ? { feature: String(r.feature ?? "") } : {}),
      ...emptySums(),
      requests: Number(r.requests),
      errors: Number(r.errors),
      unpriced: Number(r.unpriced),
      costUsd: Number(r.cost_usd),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      latencySumMs: Number(r.latency_sum_ms),
      latencyMinMs: r.latency_min_ms === null ? null : Number(r.latency_min_ms),
      latencyMaxMs: r.latency_max_ms === null ? null : Number(r.latency_max_ms),
      lastErrorAt: r.last_error_at === null ? null : Number(r.last_error_at),
      ...(q.histogram ? { histogram: histogramColumnNames.map((c) => Number(r[c])) } : {}),
    }));
}

export interface StatusRow {
  part: number;
  provider: string;
  status: number;
  requests: number;
}

/** Requests per part, provider and status over the status counts in `ranges`, in one statement. */
export async function sumStatuses(db: Db, q: { orgId: string; ranges: readonly RollupRange[]; provider?: string | null }): Promise<StatusRow[]> {
  if (q.ranges.length === 0) return [];
  const args: InValue[] = [];
  const branches = q.ranges.map((r) => {
    args.push(r.part);
    const where = rangeWhere(r, q, args, false);
    return `SELECT ? AS part, provider, status, sum(requests) AS requests FROM ${tables[r.span].statuses} WHERE ${where} GROUP BY provider, status`;
  });
  const sql = `SELECT part, provider, status, sum(requests) AS requests FROM (${branches.join(" UNION ALL ")}) GROUP BY part, provider, status`;
  const res = await db.$client.execute({ sql, args });
  return res.rows.map((r) => ({ part: Number(r.part), provider: String(r.provider), status: Number(r.status), requests: Number(r.requests) }));
}

function rangeWhere(r: RollupRange, q: { orgId: string; provider?: string | null; model?: string | null }, args: InValue[], hasModel: boolean): string {
  const time = tables[r.span].time;
  let where = `org_id = ? AND ${time} >= ? AND ${time} < ?`;
  args.push(q.orgId, r.from, r.to);
  if (q.provider != null) {
    where += " AND provider = ?";
    args.push(q.provider);
  }
  if (hasModel && q.model != null) {
    where += " AND model = ?";
    args.push(q.model);
  }
  return where;
}

/** Adding up already-grouped sums: sums stay sums, min stays min, max stays max. */
function reSum(sums: string[]): string[] {
  return sums.map((s) => {
    const [fn, rest] = s.split("(", 2) as [string, string];
    const alias = rest.split(" AS ")[1]!;
    return `${fn}(${alias}) AS ${alias}`;
  });
}

function groupClause(keys: readonly string[]): string {
  return keys.length ? ` GROUP BY ${keys.join(", ")}` : "";
}

function slotUnit(ms: number | undefined): number {
  if (!Number.isSafeInteger(ms) || ms! <= 0) throw new Error(`slotMs must be a positive integer, got ${ms}`);
  return ms!;
}

/** Power-of-two chunks, so the write path's prepared statements are reused (src/lib/chunks.ts). */
function chunked<T>(rows: readonly T[], statement: (rows: readonly T[]) => InStatement): InStatement[] {
  return chunks(rows, maxRowsPerStatement).map(statement);
}

function placeholders(columns: number, rows: number): string {
  const row = `(${new Array(columns).fill("?").join(", ")})`;
  return new Array(rows).fill(row).join(", ");
}

/** A re-costed event's change to the sums it was counted in. */
export interface CostChange {
  orgId: string;
  createdAt: number;
  provider: string;
  model: string;
  feature: string | null;
  task: string | null;
  costDelta: number;
  /** +1: now unpriced, −1: now priced. */
  unpricedDelta: number;
}

/**
 * The statements that move the rollups by re-costed events' deltas: one UPDATE per hourly and
 * daily row touched. The rows exist (the writer added them with the events); the caller runs
 * these in the transaction that updates the events.
 */
export function costAdjustStatements(changes: readonly CostChange[]): InStatement[] {
  const rows = new Map<string, { span: Span; key: InValue[]; cost: number; unpriced: number }>();
  const add = (span: Span, key: InValue[], c: CostChange) => {
    const id = JSON.stringify([span, ...key]);
    const row = rows.get(id) ?? { span, key, cost: 0, unpriced: 0 };
    row.cost += c.costDelta;
    row.unpriced += c.unpricedDelta;
    rows.set(id, row);
  };
  for (const c of changes) {
    add("hour", [c.orgId, floorTo(c.createdAt, hourMs), c.provider, c.model, c.feature ?? "", c.task ?? ""], c);
    add("day", [c.orgId, floorTo(c.createdAt, dayMs), c.provider, c.model], c);
  }
  return [...rows.values()]
    .filter((r) => r.cost !== 0 || r.unpriced !== 0)
    .map((r) => {
      const { rollups, keys } = tables[r.span];
      return {
        sql: `UPDATE ${rollups} SET cost_usd = cost_usd + ?, unpriced = unpriced + ? WHERE ${keys.map((k) => `${k} = ?`).join(" AND ")}`,
        args: [r.cost, r.unpriced, ...r.key],
      };
    });
}
