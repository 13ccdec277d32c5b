/**
 * One schema: src/db/tables.ts, the migrations Lectr runs and drizzle-kit's
 * metadata agree, so `npm run db:generate` writes nothing on a clean tree.
 */
import { describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { getTableColumns } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { pushSQLiteSchema } from "drizzle-kit/api";
import { migrate } from "../../src/db/migrate.ts";
import * as tables from "../../src/db/tables.ts";
import { checkMeta } from "../../scripts/db-meta.ts";

const squash = (s: string) => s.replace(/[`"\s;]/g, "").toLowerCase();

describe("schema", () => {
  test("db:generate has nothing to write: the journal lists every migration and the latest snapshot is tables.ts", async () => {
    expect(await checkMeta()).toEqual([]);
  });

  test("the check sees a table that tables.ts has and the snapshot has not", async () => {
    const extra = sqliteTable("extra_things", { id: text("id").primaryKey() });
    expect(await checkMeta({ ...tables, extra })).toEqual([
      "db:generate would write: CREATE TABLE `extra_things` (\n\t`id` text PRIMARY KEY NOT NULL\n);\n",
    ]);
  });

  test("a batch of 256 events fits SQLite's 32,766 bound variables in one INSERT (src/db/events.ts)", () => {
    expect(Object.keys(getTableColumns(tables.events)).length * 256).toBeLessThan(32_766);
  });

  test("a database built by the embedded migrations has exactly the tables, columns and indexes of tables.ts", async () => {
    const client = createClient({ url: ":memory:" });
    try {
      await migrate(client);
      const { statementsToExecute } = await pushSQLiteSchema(tables, drizzle(client));
      // drizzle-kit cannot read a partial index's WHERE back, so it re-creates every one: compare those with SQLite's own text.
      const stored = new Map(
        (await client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")).rows.map((r) => [String(r.name), String(r.sql)]),
      );
      const partial = statementsToExecute.filter((s) => /^(DROP|CREATE) INDEX `(\w+)`/.test(s) && stored.get(/`(\w+)`/.exec(s)![1]!)?.includes(" WHERE "));
      for (const create of partial.filter((s) => s.startsWith("CREATE"))) expect(squash(stored.get(/`(\w+)`/.exec(create)![1]!)!)).toBe(squash(create));
      const rest = statementsToExecute.filter((s) => !partial.includes(s) && s !== "DROP TABLE `__lectr_migrations`;");
      expect({ rest, partial: partial.length }).toEqual({ rest: [], partial: 4 });
    } finally {
      client.close();
    }
  });
});
