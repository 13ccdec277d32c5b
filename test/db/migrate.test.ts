import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { migrations } from "../../src/db/migrations.ts";

const root = join(import.meta.dir, "../..");

describe("migrations", () => {
  test("the embedded list is exactly the SQL files in migrations/, in order", () => {
    const files = readdirSync(join(root, "migrations"))
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((f) => f.replace(/\.sql$/, ""));
    expect(migrations.map((m) => m.name)).toEqual(files);
  });

  test("apply once, are idempotent, and two processes starting together apply each exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectr-migrate-"));
    try {
      const url = `file:${join(dir, "x.db")}`;
      // Separate processes: the local driver blocks its thread while it waits for a lock.
      const run = () =>
        Bun.spawn([process.execPath, join(root, "src/main.ts"), "prices", "--model", "gpt-4o", "--db-url", url], {
          stdout: "ignore",
          stderr: "pipe",
        });
      const procs = [run(), run()];
      const codes = await Promise.all(procs.map((p) => p.exited));
      const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
      expect({ codes, errors }).toEqual({ codes: [0, 0], errors: ["", ""] });
      const db = await openDatabase(url);
      expect(await migrate(db.client)).toEqual([]);
      const applied = (await db.client.execute("SELECT name FROM __lectr_migrations ORDER BY name")).rows.map((r) => r.name);
      expect(applied).toEqual(migrations.map((m) => m.name));
      const mode = await db.client.execute("PRAGMA journal_mode");
      expect(String(mode.rows[0]![0])).toBe("wal");
      const tables = (await db.client.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")).rows.map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(["events", "orgs", "api_keys", "__lectr_migrations"]));
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
