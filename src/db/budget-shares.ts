/**
 * The only SQL over `budget_shares`: each replica's use of a budget's period
 * or a rate limit's minute and the lease it may still take, exchanged with
 * the other replicas that share the database.
 */
import type { Client } from "@libsql/client";
import type { Reader } from "./budget-feed.ts";

/** Another replica's (or the others' summed) use and unused lease of one subject's window. */
export interface Hold {
  subjectId: string;
  windowStart: number;
  reservedUsd: number;
  requests: number;
  tokens: number;
  /** What was asked for since the last round (USD for a budget, requests for a limit): leases follow demand. */
  demand: number;
  /** A budget's calls asked to retry there and not admitted since (USD). */
  want: number;
  leaseUsd: number;
  leaseRequests: number;
  leaseTokens: number;
  /** Replicas behind the sum. */
  replicas: number;
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
