/**
 * The SQL the budget sync thread runs: reading newly written events by
 * rowid (SQLite hands rowids out in commit order, one writer at a time),
 * summing a budget's period, sharing this replica's reservations
 * (`budget_shares`), claiming an alert once across replicas
 * (`budget_alerts`) and logging webhook deliveries (`webhook_deliveries`).
 */
import type { Client, InValue } from "@libsql/client";
import type { Hold } from "./messages.ts";
import type { Budget } from "./types.ts";

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

/** A replica whose shares are older than this is gone: its reservations no longer count. */
export const replicaStaleMs = 5_000;

/**
 * One replica's turn: read every other live replica's holds, let `decide`
 * turn them into this replica's own rows (use plus a new lease), and write
 * those, in one write transaction, so turns run one at a time and each sees
 * the leases granted before it. A heartbeat row (subject '') counts the
 * replicas.
 */
export async function exchangeHolds(
  client: Client,
  replicaId: string,
  now: number,
  decide: (others: ReadonlyMap<string, Hold>, replicas: number, tx: Reader) => Promise<Hold[]>,
): Promise<{ remote: Hold[]; replicas: number }> {
  const tx = await client.transaction("write");
  try {
    const res = await tx.execute({
      sql: `SELECT subject_id, window_start, sum(reserved_usd) AS usd, sum(requests) AS requests, sum(tokens) AS tokens,
          sum(lease_usd) AS lease_usd, sum(lease_requests) AS lease_requests, sum(lease_tokens) AS lease_tokens, sum(demand) AS demand, sum(want_usd) AS want, count(*) AS n
        FROM budget_shares WHERE replica_id <> ? AND updated_at >= ? GROUP BY subject_id, window_start`,
      args: [replicaId, now - replicaStaleMs],
    });
    let replicas = 1;
    const remote: Hold[] = [];
    for (const r of res.rows) {
      if (r.subject_id === "") replicas += Number(r.n);
      else
        remote.push({
          subjectId: String(r.subject_id),
          windowStart: Number(r.window_start),
          reservedUsd: Number(r.usd),
          requests: Number(r.requests),
          tokens: Number(r.tokens),
          leaseUsd: Number(r.lease_usd),
          leaseRequests: Number(r.lease_requests),
          leaseTokens: Number(r.lease_tokens),
          demand: Number(r.demand),
          want: Number(r.want),
          replicas: Number(r.n),
        });
    }
    const mine = await decide(new Map(remote.map((h) => [holdKey(h.subjectId, h.windowStart), h])), replicas, tx);
    await tx.batch([
      { sql: "DELETE FROM budget_shares WHERE replica_id = ? OR updated_at < ?", args: [replicaId, now - 60_000] },
      ...[{ subjectId: "", windowStart: 0, reservedUsd: 0, requests: 0, tokens: 0, leaseUsd: 0, leaseRequests: 0, leaseTokens: 0, demand: 0, want: 0, replicas: 1 }, ...mine].map((h) => ({
        sql: `INSERT INTO budget_shares (replica_id, subject_id, window_start, reserved_usd, requests, tokens, lease_usd, lease_requests, lease_tokens, demand, want_usd, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [replicaId, h.subjectId, h.windowStart, h.reservedUsd, h.requests, h.tokens, finite(h.leaseUsd), finite(h.leaseRequests), finite(h.leaseTokens), h.demand, h.want, now],
      })),
    ]);
    await tx.commit();
    return { remote, replicas };
  } finally {
    tx.close();
  }
}

/**
 * This replica is alive, with nothing to share: without it, the first round
 * after the first budget is made would find no other replica and lease the
 * whole budget to this one.
 */
export async function heartbeat(client: Client, replicaId: string, now: number): Promise<void> {
  await client.execute({
    sql: `INSERT INTO budget_shares (replica_id, subject_id, window_start, reserved_usd, requests, tokens, lease_usd, lease_requests, lease_tokens, demand, updated_at)
      VALUES (?, '', 0, 0, 0, 0, 0, 0, 0, 0, ?) ON CONFLICT (replica_id, subject_id) DO UPDATE SET updated_at = excluded.updated_at`,
    args: [replicaId, now],
  });
}

/** An unlimited dimension leases "everything": stored as a large number, not Infinity. */
const finite = (n: number) => (Number.isFinite(n) ? n : 1e15);

export const holdKey = (subjectId: string, windowStart: number) => `${subjectId}\u0000${windowStart}`;

export async function removeShares(client: Client, replicaId: string): Promise<void> {
  await client.execute({ sql: "DELETE FROM budget_shares WHERE replica_id = ?", args: [replicaId] });
}

export type AlertKind = "threshold" | "forecast";

export interface AlertRow {
  id: string;
  orgId: string;
  budgetId: string;
  periodStart: number;
  kind: AlertKind;
  /** Percent of the amount; 100 for a forecast alert. */
  threshold: number;
  spentUsd: number;
  forecastUsd: number;
  amountUsd: number;
  createdAt: number;
}

/** Inserts the alert unless one exists for its budget, period, kind and threshold: true when this call made it. */
export async function claimAlert(client: Client, a: AlertRow): Promise<boolean> {
  const res = await client.execute({
    sql: `INSERT INTO budget_alerts (id, org_id, budget_id, period_start, kind, threshold, spent_usd, forecast_usd, amount_usd, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (budget_id, period_start, kind, threshold) DO NOTHING`,
    args: [a.id, a.orgId, a.budgetId, a.periodStart, a.kind, a.threshold, a.spentUsd, a.forecastUsd, a.amountUsd, a.createdAt],
  });
  return res.rowsAffected === 1;
}

/** Alerts of a budget's period already claimed (by any replica). */
export async function claimedAlerts(client: Client, budgetId: string, periodStart: number): Promise<{ kind: AlertKind; threshold: number }[]> {
  const res = await client.execute({ sql: "SELECT kind, threshold FROM budget_alerts WHERE budget_id = ? AND period_start = ?", args: [budgetId, periodStart] });
  return res.rows.map((r) => ({ kind: String(r.kind) as AlertKind, threshold: Number(r.threshold) }));
}

export async function listAlerts(client: Client, orgId: string, limit: number): Promise<AlertRow[]> {
  const res = await client.execute({
    sql: `SELECT id, org_id, budget_id, period_start, kind, threshold, spent_usd, forecast_usd, amount_usd, created_at
      FROM budget_alerts WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [orgId, limit],
  });
  return res.rows.map((r) => ({
    id: String(r.id),
    orgId: String(r.org_id),
    budgetId: String(r.budget_id),
    periodStart: Number(r.period_start),
    kind: String(r.kind) as AlertKind,
    threshold: Number(r.threshold),
    spentUsd: Number(r.spent_usd),
    forecastUsd: Number(r.forecast_usd),
    amountUsd: Number(r.amount_usd),
    createdAt: Number(r.created_at),
  }));
}

export interface DeliveryRow {
  id: string;
  orgId: string;
  alertId: string;
  webhookId: string;
  attempt: number;
  /** The receiver's HTTP status; null when it could not be reached. */
  status: number | null;
  error: string | null;
  delivered: boolean;
  createdAt: number;
}

export async function logDelivery(client: Client, d: DeliveryRow): Promise<void> {
  await client.execute({
    sql: "INSERT INTO webhook_deliveries (id, org_id, alert_id, webhook_id, attempt, status, error, delivered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    args: [d.id, d.orgId, d.alertId, d.webhookId, d.attempt, d.status, d.error, d.delivered ? 1 : 0, d.createdAt],
  });
}

export async function listDeliveries(client: Client, orgId: string, limit: number): Promise<DeliveryRow[]> {
  const res = await client.execute({
    sql: `SELECT id, org_id, alert_id, webhook_id, attempt, status, error, delivered, created_at
      FROM webhook_deliveries WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [orgId, limit],
  });
  return res.rows.map((r) => ({
    id: String(r.id),
    orgId: String(r.org_id),
    alertId: String(r.alert_id),
    webhookId: String(r.webhook_id),
    attempt: Number(r.attempt),
    status: r.status === null ? null : Number(r.status),
    error: r.error === null ? null : String(r.error),
    delivered: Number(r.delivered) === 1,
    createdAt: Number(r.created_at),
  }));
}
