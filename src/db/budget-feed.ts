/**
 * What the budget sync thread reads of `events`: newly written events by
 * rowid (SQLite hands rowids out in commit order, one writer at a time) and a
 * budget's period summed per hour.
 */
import type { Client, InValue } from "@libsql/client";
import type { Budget } from "./budgets.ts";

export interface FeedRow {
  rowid: number;
  id: string;
  orgId: string;
  keyId: string;
  createdAt: number;
  provider: string;
  model: string;
  feature: string | null;
  task: string | null;
  costUsd: number;
  /** A call that succeeded without a known cost (no price, or no usage reported): shown, never counted as $0. */
  unknownCost: boolean;
  outputTokens: number | null;
}

export async function lastEventRowid(client: Client): Promise<number> {
  return Number((await client.execute("SELECT coalesce(max(rowid), 0) AS m FROM events")).rows[0]!.m);
}

/** A client or an open transaction. */
export type Reader = Pick<Client, "execute">;

/** Events written after `rowid`, oldest first. */
export async function readEventsAfter(client: Reader, rowid: number, limit: number): Promise<FeedRow[]> {
  const res = await client.execute({
    sql: `SELECT rowid, id, org_id, key_id, created_at, provider, model, feature, task, cost_usd, status, output_tokens
      FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    args: [rowid, limit],
  });
  return res.rows.map((r) => ({
    rowid: Number(r.rowid),
    id: String(r.id),
    orgId: String(r.org_id),
    keyId: String(r.key_id),
    createdAt: Number(r.created_at),
    provider: String(r.provider),
    model: String(r.model),
    feature: r.feature === null ? null : String(r.feature),
    task: r.task === null ? null : String(r.task),
    costUsd: r.cost_usd === null ? 0 : Number(r.cost_usd),
    unknownCost: r.cost_usd === null && Number(r.status) < 400,
    outputTokens: r.output_tokens === null ? null : Number(r.output_tokens),
  }));
}

/**
 * A budget's recorded spend per hour in [start, end), counting events up to
 * `uptoRowid` (the feed adds the ones after it).
 */
export async function budgetSpendByHour(client: Client, b: Budget, start: number, end: number, uptoRowid: number): Promise<Map<number, number>> {
  const { where, args } = budgetWhere(b, start, end, uptoRowid);
  const res = await client.execute({ sql: `SELECT created_at - (created_at % 3600000) AS hour, sum(cost_usd) AS usd FROM events WHERE ${where} AND cost_usd IS NOT NULL GROUP BY hour`, args });
  return new Map(res.rows.map((r) => [Number(r.hour), Number(r.usd)]));
}

/** The budget's calls in [start, end) up to `uptoRowid` that succeeded without a known cost. */
export async function budgetUnknownCostCalls(client: Client, b: Budget, start: number, end: number, uptoRowid: number): Promise<number> {
  const { where, args } = budgetWhere(b, start, end, uptoRowid);
  const res = await client.execute({ sql: `SELECT count(*) AS n FROM events WHERE ${where} AND cost_usd IS NULL AND status < 400`, args });
  return Number(res.rows[0]!.n);
}

function budgetWhere(b: Budget, start: number, end: number, uptoRowid: number): { where: string; args: InValue[] } {
  let where = "org_id = ? AND created_at >= ? AND created_at < ? AND rowid <= ?";
  const args: InValue[] = [b.orgId, start, end, uptoRowid];
  const eq = (column: string, value: string | null) => {
    if (value === null) return;
    where += ` AND ${column} = ?`;
    args.push(value);
  };
  eq("feature", b.scope.feature);
  eq("task", b.scope.task);
  eq("key_id", b.scope.keyId);
  eq("provider", b.scope.provider);
  if (b.scope.model !== null) {
    if (b.scope.model.endsWith("*")) {
      where += " AND substr(model, 1, ?) = ?";
      args.push(b.scope.model.length - 1, b.scope.model.slice(0, -1));
    } else eq("model", b.scope.model);
  }
  return { where, args };
}
