/**
 * Applies forward-only migrations before the server listens. The whole run is
 * one write transaction, so two processes starting together on one file
 * apply each migration exactly once: the second waits, then finds it done.
 */
import type { Client } from "@libsql/client";
import { migrations as builtin } from "./migrations.ts";

export async function migrate(client: Client, migrations = builtin): Promise<string[]> {
  const applied: string[] = [];
  const tx = await client.transaction("write");
  try {
    await tx.execute(
      "CREATE TABLE IF NOT EXISTS __lectr_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const done = new Set((await tx.execute("SELECT name FROM __lectr_migrations")).rows.map((r) => String(r.name)));
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      for (const statement of splitStatements(m.sql)) await tx.execute(statement);
      await tx.execute({ sql: "INSERT INTO __lectr_migrations (name, applied_at) VALUES (?, ?)", args: [m.name, Date.now()] });
      applied.push(m.name);
    }
    await tx.commit();
  } finally {
    tx.close();
  }
  return applied;
}

/** drizzle-kit separates statements with this marker. */
export function splitStatements(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
