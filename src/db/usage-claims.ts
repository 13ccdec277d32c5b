/**
 * Usage counted once per provider object. A stored response read back, a background response polled,
 * a batch retrieved: each read reports the same usage, from any replica. In the transaction that writes
 * the events, each event carrying usage claims its object (org + `usage_claim`); the first event
 * written keeps its usage and cost, any later one is stored without them (cost unknown, not 0).
 */
import type { InStatement, InValue } from "@libsql/client";
import type { EventRow } from "./tables.ts";
import type { WriteTx } from "./write-path.ts";
import { chunks } from "../lib/chunks.ts";

/** 4 values a row: far below SQLite's bound-variable limit. */
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

/** Claims the objects of `rows` inside `tx`; returns the rows with the usage of already claimed objects removed. */
export async function settleClaims(tx: WriteTx, rows: EventRow[]): Promise<EventRow[]> {
  const claiming = rows.filter(carriesClaim);
  if (claiming.length === 0) return rows;
  const statements: InStatement[] = [];
  for (const part of chunks(claiming, claimsPerStatement)) {
    const args: InValue[] = part.flatMap((r) => [r.org_id, r.usage_claim!, r.id, r.created_at]);
    statements.push({
      sql: `INSERT INTO usage_claims (org_id, claim, event_id, created_at) VALUES ${part.map(() => "(?,?,?,?)").join(",")} ON CONFLICT DO NOTHING`,
      args,
    });
  }
  for (const part of chunks(claiming, claimsPerStatement)) {
    statements.push({
      sql: `SELECT org_id, claim, event_id FROM usage_claims WHERE (org_id, claim) IN (VALUES ${part.map(() => "(?,?)").join(",")})`,
      args: part.flatMap((r) => [r.org_id, r.usage_claim!]),
    });
  }
  const owners = new Map<string, string>();
  for (const result of await tx.batch(statements)) {
    for (const row of result.rows) owners.set(`${String(row.org_id)}\u0000${String(row.claim)}`, String(row.event_id));
  }
  return rows.map((r) => (carriesClaim(r) && owners.get(`${r.org_id}\u0000${r.usage_claim}`) !== r.id ? withoutUsage(r) : r));
}
