/**
 * Usage counted once per provider object, where events are written: the first event of an org and
 * object keeps its usage, later ones are stored without it; the same through both write paths, in
 * one batch or several, and when a batch is written again after its commit landed.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { insertEvents } from "../../src/db/events.ts";
import { migrate } from "../../src/db/migrate.ts";
import { clientWritePath, type WritePath } from "../../src/db/write-path.ts";
import { eventRow } from "../helpers/rows.ts";

const dir = mkdtempSync(join(tmpdir(), "lectr-claims-"));
let n = 0;
const opened: Database[] = [];
async function freshDb(): Promise<Database> {
  const db = await openDatabase(`file:${join(dir, `db${n++}.sqlite`)}`);
  await migrate(db.client);
  opened.push(db);
  return db;
}
afterAll(() => {
  for (const db of opened) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 5, 1, 12);
/** A read of `claim` that reports 100/20 tokens at $0.001. */
const read = (org: string, at: number, claim = "response:resp_1") =>
  eventRow(org, "key", at, { endpoint: `/v1/${claim.replace(":", "s/")}`, input_tokens: 100, output_tokens: 20, cost_usd: 0.001, usage_claim: claim });

async function stored(db: Database) {
  const rows = (await db.client.execute("SELECT id, org_id, input_tokens, output_tokens, cost_usd, usage_claim FROM events ORDER BY created_at")).rows;
  return rows.map((r) => [r.org_id, r.input_tokens, r.output_tokens, r.cost_usd, r.usage_claim]);
}
const rolledCost = async (db: Database) => Number((await db.client.execute("SELECT sum(cost_usd) AS c FROM rollups_hourly")).rows[0]!.c);

const paths: [string, (db: Database) => WritePath][] = [
  ["native write path", (db) => db.writePath],
  ["client write path", (db) => clientWritePath(db.client)],
];

describe.each(paths)("%s", (_, pathOf) => {
  test("three reads of one response in one batch: the first keeps its usage and cost, the rollups count it once", async () => {
    const db = await freshDb();
    await insertEvents(pathOf(db), [read("o1", T), read("o1", T + 1), read("o1", T + 2)]);
    expect(await stored(db)).toEqual([
      ["o1", 100, 20, 0.001, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
    ]);
    expect(await rolledCost(db)).toBe(0.001);
  });

  test("reads in separate batches (as from two replicas); other orgs and other objects are their own", async () => {
    const db = await freshDb();
    const write = pathOf(db);
    await insertEvents(write, [read("o1", T)]);
    await insertEvents(write, [read("o1", T + 1), read("o2", T + 2), read("o1", T + 3, "batch:batch_1")]);
    await insertEvents(write, [read("o2", T + 4)]);
    expect(await stored(db)).toEqual([
      ["o1", 100, 20, 0.001, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
      ["o2", 100, 20, 0.001, "response:resp_1"],
      ["o1", 100, 20, 0.001, "batch:batch_1"],
      ["o2", null, null, null, "response:resp_1"],
    ]);
    expect(await rolledCost(db)).toBeCloseTo(0.003, 15);
  });

  test("a batch written again after its commit landed keeps its claims: the same event still counts", async () => {
    const db = await freshDb();
    const batch = [read("o1", T), read("o1", T + 1)];
    await insertEvents(pathOf(db), batch);
    await insertEvents(pathOf(db), [...batch, read("o1", T + 2)]);
    expect(await stored(db)).toEqual([
      ["o1", 100, 20, 0.001, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
    ]);
    expect(await rolledCost(db)).toBe(0.001);
  });

  test("an earlier read written after a later one (replicas flush at their own pace) takes the claim over; the later one gives its usage back, rollups too", async () => {
    const db = await freshDb();
    const write = pathOf(db);
    const later = { ...read("o1", T + 5), feature: "poll" };
    await insertEvents(write, [later]);
    expect(await rolledCost(db)).toBe(0.001);
    await insertEvents(write, [read("o1", T + 1), read("o1", T + 9)]);
    expect(await stored(db)).toEqual([
      ["o1", 100, 20, 0.001, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
      ["o1", null, null, null, "response:resp_1"],
    ]);
    const sums = async (table: string) => (await db.client.execute(`SELECT sum(cost_usd) AS c, sum(input_tokens) AS i, sum(output_tokens) AS o, sum(requests) AS n FROM ${table}`)).rows[0]!;
    for (const table of ["rollups_hourly", "rollups_daily"]) {
      const r = await sums(table);
      expect([r.c, r.i, r.o, r.n]).toEqual([0.001, 100, 20, 3]);
    }
    const owner = (await db.client.execute("SELECT event_id FROM usage_claims")).rows.map((r) => r.event_id);
    expect(owner).toEqual([(await db.client.execute("SELECT id FROM events WHERE cost_usd IS NOT NULL")).rows[0]!.id]);
  });

  test("an event without usage claims nothing: the next one that reports usage counts", async () => {
    const db = await freshDb();
    const running = { ...read("o1", T), input_tokens: null, output_tokens: null, cost_usd: null };
    await insertEvents(pathOf(db), [running, read("o1", T + 1)]);
    expect(await stored(db)).toEqual([
      ["o1", null, null, null, "response:resp_1"],
      ["o1", 100, 20, 0.001, "response:resp_1"],
    ]);
  });
});
