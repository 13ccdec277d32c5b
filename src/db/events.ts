/** The only SQL over `events`. */
import { count, desc, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { events, type EventRow } from "./tables.ts";
import { touchKeys } from "./orgs.ts";

/** At most this many rows per INSERT statement, well below SQLite's 32,766 bound variables. */
const rowsPerStatement = 500;

/**
 * Writes one batch in one transaction: the events (multi-row VALUES, the
 * fastest form libSQL's local driver offers) and the keys' last-use times.
 */
export async function insertEvents(db: Db, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const lastUsed = new Map<string, number>();
  for (const r of rows) lastUsed.set(r.key_id, Math.max(lastUsed.get(r.key_id) ?? 0, r.created_at));
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += rowsPerStatement) {
      await tx.insert(events).values(rows.slice(i, i + rowsPerStatement)).onConflictDoNothing();
    }
    await touchKeys(tx as unknown as Db, lastUsed);
  });
}

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
