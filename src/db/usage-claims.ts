/**
 * Usage counted once per provider object. A stored response read back, a background response polled,
 * a batch retrieved: each read reports the same usage, from any replica. In the transaction that writes
 * the events, each event carrying usage claims its object (org + `usage_claim`); the earliest event
 * (by created_at, then id) keeps its usage and cost, any other is stored without them. Replicas flush
 * at their own pace, so an earlier event can arrive after a later one took the claim (a response
 * created on one replica and read at once on another): it takes the claim over, and the later event
 * gives its usage back, in the events and in their rollups.
 */
import type { InStatement } from "@libsql/client";
import type { EventRow } from "./tables.ts";
import type { WriteTx } from "./write-path.ts";
import { chunks } from "../lib/chunks.ts";
import { dayMs, hourMs } from "../stats/period.ts";

/** 2 values a row: far below SQLite's bound-variable limit. */
const claimsPerStatement = 200;

const carriesClaim = (r: EventRow): boolean => r.usage_claim != null && (r.input_tokens != null || r.billed_units != null);

export const hasClaims = (rows: readonly EventRow[]): boolean => rows.some(carriesClaim);

/** The event as stored when another event already counted its object's usage. */
export const withoutUsage = (r: EventRow): EventRow => ({
  ...r,
  input_tokens: null,
  output_tokens: null,
  cached_input_tokens: null,
  reasoning_tokens: null,
  cache_write_tokens: null,
  cache_write_1h_tokens: null,
  billed_units: null,
  price_basis: null,
  cost_usd: null,
});

interface Owner {
  eventId: string;
  createdAt: number;
}

const key = (orgId: string, claim: string) => `${orgId}\u0000${claim}`;
const earlier = (a: Owner, b: Owner) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.eventId < b.eventId);

/** Claims the objects of `rows` inside `tx`; returns the rows with the usage of objects another event counts removed. */
export async function settleClaims(tx: WriteTx, rows: EventRow[]): Promise<EventRow[]> {
  const claiming = rows.filter(carriesClaim);
  if (claiming.length === 0) return rows;
  const statements: InStatement[] = [];
  for (const part of chunks(claiming, claimsPerStatement)) {
    statements.push({
      sql: `SELECT org_id, claim, event_id, created_at FROM usage_claims WHERE (org_id, claim) IN (VALUES ${part.map(() => "(?,?)").join(",")})`,
      args: part.flatMap((r) => [r.org_id, r.usage_claim!]),
    });
  }
  const stored = new Map<string, Owner>();
  for (const result of await tx.batch(statements)) {
    for (const row of result.rows) stored.set(key(String(row.org_id), String(row.claim)), { eventId: String(row.event_id), createdAt: Number(row.created_at) });
  }
  // the earliest reporting event of each object, among the stored owner and this batch
  const owners = new Map(stored);
  for (const r of claiming) {
    const k = key(r.org_id, r.usage_claim!);
    const mine = { eventId: r.id, createdAt: r.created_at };
    const owner = owners.get(k);
    if (!owner || earlier(mine, owner)) owners.set(k, mine);
  }
  const writes: InStatement[] = [];
  const displaced: string[] = [];
  for (const [k, owner] of owners) {
    const before = stored.get(k);
    if (before?.eventId === owner.eventId) continue;
    const [orgId, claim] = k.split("\u0000") as [string, string];
    writes.push({
      sql: "INSERT INTO usage_claims (org_id, claim, event_id, created_at) VALUES (?,?,?,?) ON CONFLICT (org_id, claim) DO UPDATE SET event_id = excluded.event_id, created_at = excluded.created_at",
      args: [orgId, claim, owner.eventId, owner.createdAt],
    });
    if (before) displaced.push(before.eventId);
  }
  if (displaced.length > 0) writes.push(...(await giveBackStatements(tx, displaced)));
  if (writes.length > 0) await tx.batch(writes);
  return rows.map((r) => (carriesClaim(r) && owners.get(key(r.org_id, r.usage_claim!))?.eventId !== r.id ? withoutUsage(r) : r));
}

const usageColumns = ["input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "cache_write_tokens", "cache_write_1h_tokens", "billed_units", "price_basis", "cost_usd"];

/** Stored events that lose their claim: their usage and cost become null, and leave their rollups (rare: a race between replicas). */
async function giveBackStatements(tx: WriteTx, ids: string[]): Promise<InStatement[]> {
  const [found] = await tx.batch([
    {
      sql: `SELECT id, org_id, created_at, provider, model, feature, task, cost_usd, input_tokens, output_tokens FROM events WHERE id IN (${ids.map(() => "?").join(",")})`,
      args: ids,
    },
  ]);
  const out: InStatement[] = [];
  for (const e of found?.rows ?? []) {
    const delta = [Number(e.cost_usd ?? 0), Number(e.input_tokens ?? 0), Number(e.output_tokens ?? 0)];
    const at = Number(e.created_at);
    const set = "SET cost_usd = cost_usd - ?, input_tokens = input_tokens - ?, output_tokens = output_tokens - ?";
    out.push(
      { sql: `UPDATE events SET ${usageColumns.map((c) => `${c} = NULL`).join(", ")} WHERE id = ?`, args: [String(e.id)] },
      {
        sql: `UPDATE rollups_hourly ${set} WHERE org_id = ? AND hour = ? AND provider = ? AND model = ? AND feature = ? AND task = ?`,
        args: [...delta, String(e.org_id), at - (at % hourMs), String(e.provider), String(e.model), String(e.feature ?? ""), String(e.task ?? "")],
      },
      {
        sql: `UPDATE rollups_daily ${set} WHERE org_id = ? AND day = ? AND provider = ? AND model = ?`,
        args: [...delta, String(e.org_id), at - (at % dayMs), String(e.provider), String(e.model)],
      },
    );
  }
  return out;
}
