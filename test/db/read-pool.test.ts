/**
 * The read connection speaks libSQL's Client: rows, columns and errors come
 * back from a read thread as the database's own client gives them; an
 * interactive transaction runs on the database's own client.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";

let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lectr-reads-"));
  database = await openDatabase(`file:${join(dir, "r.db")}`);
  await database.client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, score REAL, blob BLOB)");
  await database.client.execute({ sql: "INSERT INTO t (name, score, blob) VALUES (?, ?, ?), (?, ?, ?)", args: ["a", 1.5, new Uint8Array([1, 2]), "b", null, null] });
});
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const plain = (r: { columns: string[]; rows: ArrayLike<unknown>[] }) => ({
  columns: r.columns,
  indexed: r.rows.map((row) => Array.from(row)),
  named: r.rows.map((row) => ({ ...row })),
});

test("a read thread's rows look like the client's own: by index, by name, blobs and nulls", async () => {
  const sql = "SELECT id, name, score, blob, name AS name FROM t ORDER BY id";
  const [own, read] = await Promise.all([database.client.execute(sql), database.reads.client.execute(sql)]);
  expect(plain(read)).toEqual(plain(own));
  expect(database.reads.stats().threads).toBeGreaterThan(0);
});

test("drizzle over the read connection; writes and batches run there too; errors keep the engine's message", async () => {
  await database.reads.client.batch([{ sql: "INSERT INTO t (name) VALUES (?)", args: ["c"] }, "UPDATE t SET score = 2 WHERE name = 'c'"]);
  expect(await database.reads.db.all(`SELECT name, score FROM t WHERE name = 'c'`)).toEqual([{ name: "c", score: 2 }]);
  const duplicate = await database.reads.client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["a"] }).catch((e: unknown) => String(e));
  expect(duplicate).toContain("UNIQUE");
});

test("an interactive transaction runs on the database's own client", async () => {
  const tx = await database.reads.client.transaction("write");
  await tx.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["d"] });
  await tx.commit();
  expect((await database.client.execute("SELECT count(*) AS n FROM t WHERE name = 'd'")).rows[0]!.n).toBe(1);
});

test("a read thread sees what another connection committed since its last read", async () => {
  const count = async () => (await database.reads.client.execute("SELECT count(*) AS n FROM t")).rows[0]!.n as number;
  const before = await count();
  await database.client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["e"] });
  expect(await count()).toBe(before + 1);
});
