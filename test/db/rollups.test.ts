/**
 * Rollups against the events they count: written in the batch's transaction,
 * never counting an event twice, the same through both write paths, and read
 * back exact for any period (whole days and hours from rollups, edges from
 * events).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRandom } from "../helpers/random.ts";
import { eventRow } from "../helpers/rows.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { insertEvents, recentEvents } from "../../src/db/events.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createOrg, listKeys } from "../../src/db/orgs.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { readUsage } from "../../src/db/usage.ts";
import { clientWritePath } from "../../src/db/write-path.ts";
import { addEvent, emptySums, type Sums } from "../../src/stats/aggregate.ts";
import { dayMs, hourMs } from "../../src/stats/period.ts";

const T0 = Date.UTC(2026, 2, 1);
const dir = mkdtempSync(join(tmpdir(), "lectr-rollups-"));
let n = 0;
async function freshDb(): Promise<Database> {
  const db = await openDatabase(`file:${join(dir, `db${n++}.sqlite`)}`);
  await migrate(db.client);
  return db;
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic random events for one org over `days` days from T0. */
function randomEvents(orgId: string, keyId: string, count: number, days: number, seed = 1): EventRow[] {
  const r = createRandom(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: count }, () => {
    const at = T0 + Math.floor(r() * days * dayMs);
    const status = pick([200, 200, 200, 200, 429, 500, 400, 404]);
    const priced = r() < 0.9;
    return eventRow(orgId, keyId, at, {
      provider: pick(["openai", "groq", "gemini"]),
      model: pick(["m1", "m2", "m3"]),
      streamed: r() < 0.5,
      status,
      error_code: status === 200 ? pick([null, null, null, "upstream_timeout"]) : "upstream_error",
      latency_ms: Math.round(10 ** (r() * 5) * 100) / 100,
      input_tokens: status === 200 ? Math.floor(r() * 1000) : null,
      output_tokens: status === 200 ? Math.floor(r() * 300) : null,
      cost_usd: status === 200 && priced ? Math.round(r() * 1e6) / 1e9 : null,
      price_known: priced,
      feature: pick([null, "a", "b"]),
      task: pick([null, "chat", "code"]),
    });
  });
}

async function insertInBatches(write: Database["writePath"], rows: EventRow[], size = 97) {
  for (let i = 0; i < rows.length; i += size) await insertEvents(write, rows.slice(i, i + size));
}

/** The same sums, folded straight from the stored events. */
function bruteForce(events: readonly EventRow[], from: number, to: number): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const e of events) {
    if (e.created_at < from || e.created_at >= to) continue;
    const key = `${e.provider}/${e.model}`;
    const s = out.get(key) ?? emptySums();
    addEvent(s, { ...e, feature: e.feature ?? null, task: e.task ?? null, error_code: e.error_code ?? null, cost_usd: e.cost_usd ?? null, input_tokens: e.input_tokens ?? null, output_tokens: e.output_tokens ?? null });
    out.set(key, s);
  }
  return out;
}

const comparable = (m: Map<string, Sums>) =>
  Object.fromEntries([...m].sort().map(([k, s]) => [k, { ...s, costUsd: s.costUsd.toFixed(12), latencySumMs: s.latencySumMs.toFixed(6) }]));

describe("rollups", () => {
  let db: Database;
  let orgId: string;
  let stored: EventRow[];

  beforeAll(async () => {
    db = await freshDb();
    const { org, keyRow } = await createOrg(db.db, "acme");
    orgId = org.id;
    const other = await createOrg(db.db, "other");
    await insertInBatches(db.writePath, randomEvents(other.org.id, other.keyRow.id, 500, 5, 99));
    await insertInBatches(db.writePath, randomEvents(org.id, keyRow.id, 3000, 5));
    stored = await recentEvents(db.db, org.id, 100_000);
  });
  afterAll(() => db.close());

  test("any period reads back exactly what its events add up to, other orgs excluded", async () => {
    const r = createRandom(3);
    const periods = [
      { from: T0, to: T0 + 5 * dayMs },
      { from: T0 + hourMs, to: T0 + 2 * hourMs },
      { from: T0 + 123_456, to: T0 + 123_457 },
      ...Array.from({ length: 40 }, () => {
        const from = T0 - dayMs + Math.floor(r() * 6 * dayMs);
        return { from, to: from + 1 + Math.floor(r() * 3 * dayMs) };
      }),
      // bounds on events' own times: `from` is included, `to` excluded
      ...Array.from({ length: 20 }, () => {
        const [a, b] = [stored[Math.floor(r() * stored.length)]!.created_at, stored[Math.floor(r() * stored.length)]!.created_at].sort((x, y) => x - y);
        return { from: a!, to: b! + 1 };
      }),
      ...Array.from({ length: 20 }, () => {
        const [a, b] = [stored[Math.floor(r() * stored.length)]!.created_at, stored[Math.floor(r() * stored.length)]!.created_at].sort((x, y) => x - y);
        return { from: a! - 1, to: b! };
      }),
    ].filter((p) => p.from < p.to);
    for (const p of periods) {
      const { rows } = await readUsage(db.db, { orgId, periods: [p], groupBy: ["provider", "model"], histogram: true });
      const got = new Map(rows.map(({ part, slot, provider, model, ...s }) => [`${provider}/${model}`, s]));
      expect(comparable(got)).toEqual(comparable(bruteForce(stored, p.from, p.to)));
    }
  });

  test("grouped by task (read from hourly rows even for whole days), any period reads back exactly what its events add up to", async () => {
    const periods = [
      { from: T0 - dayMs, to: T0 + 6 * dayMs },
      { from: T0 + 7 * hourMs + 17, to: T0 + 3 * dayMs + 5 * hourMs + 3 },
      { from: T0 + hourMs, to: T0 + 2 * hourMs },
    ];
    for (const p of periods) {
      const { rows } = await readUsage(db.db, { orgId, periods: [p], groupBy: ["provider", "model", "task"], histogram: true });
      const got = new Map(rows.map(({ part, slot, provider, model, task, ...s }) => [`${provider}/${model}/${task}`, s]));
      const inside = stored.filter((e) => e.created_at >= p.from && e.created_at < p.to);
      const expected = new Map<string, Sums>();
      for (const task of [null, "chat", "code"]) {
        for (const [k, s] of bruteForce(inside.filter((e) => (e.task ?? null) === task), p.from, p.to)) expected.set(`${k}/${task ?? ""}`, s);
      }
      expect(got.size).toBeGreaterThan(0);
      expect(comparable(got)).toEqual(comparable(expected));
    }
  });

  test("status counts and series slots agree with the events too", async () => {
    const p = { from: T0 + 7 * hourMs + 17, to: T0 + 3 * dayMs + 5 * hourMs + 3 };
    const { rows, statuses } = await readUsage(db.db, { orgId, periods: [p], groupBy: ["slot"], slotMs: dayMs, statuses: true });
    const inside = stored.filter((e) => e.created_at >= p.from && e.created_at < p.to);
    const perDay = new Map<number, number>();
    for (const e of inside) perDay.set(e.created_at - (e.created_at % dayMs), (perDay.get(e.created_at - (e.created_at % dayMs)) ?? 0) + 1);
    expect(Object.fromEntries(rows.map((x) => [x.slot, x.requests]))).toEqual(Object.fromEntries(perDay));
    const perStatus = new Map<string, number>();
    for (const e of inside) perStatus.set(`${e.provider} ${e.status}`, (perStatus.get(`${e.provider} ${e.status}`) ?? 0) + 1);
    expect(Object.fromEntries(statuses.map((s) => [`${s.provider} ${s.status}`, s.requests]).sort())).toEqual(Object.fromEntries([...perStatus].sort()));
  });

  test("the batch also records when each key was last used", async () => {
    const keys = await listKeys(db.db, orgId);
    expect(keys[0]!.last_used_at).toBe(Math.max(...stored.map((e) => e.created_at)));
  });
});

describe("the event writer", () => {
  test.each(["native", "client"] as const)("an event already stored (a retried batch) is neither stored nor counted twice (%s write path)", async (path) => {
    const db = await freshDb();
    const write = path === "native" ? db.writePath : clientWritePath(db.client);
    const { org, keyRow } = await createOrg(db.db, "acme");
    const events = randomEvents(org.id, keyRow.id, 300, 1, 5);
    await insertEvents(write, events.slice(0, 200));
    // the retry carries the first 200 again, twice over, plus 100 new ones
    await insertEvents(write, [...events.slice(100), ...events.slice(0, 200)]);
    const all = { from: T0 - dayMs, to: T0 + 2 * dayMs };
    const { rows } = await readUsage(db.db, { orgId: org.id, periods: [all], groupBy: [] });
    const count = await db.client.execute("SELECT count(*) AS n FROM events");
    expect([rows[0]!.requests, Number(count.rows[0]!.n)]).toEqual([300, 300]);
    const hourly = await db.client.execute("SELECT sum(requests) AS n FROM rollups_hourly");
    const daily = await db.client.execute("SELECT sum(requests) AS n FROM rollups_daily");
    expect([Number(hourly.rows[0]!.n), Number(daily.rows[0]!.n)]).toEqual([300, 300]);
    db.close();
  });

  test("a failed batch leaves neither events nor rollups behind", async () => {
    const db = await freshDb();
    const { org, keyRow } = await createOrg(db.db, "acme");
    const events = randomEvents(org.id, keyRow.id, 10, 1, 6);
    // NOT NULL violation in the last row: the whole transaction must roll back
    const broken = [...events.slice(0, 9), { ...events[9]!, model: null as unknown as string }];
    await expect(insertEvents(db.writePath, broken)).rejects.toThrow();
    const counts = await db.client.execute("SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM rollups_hourly) AS h, (SELECT count(*) FROM status_counts_daily) AS s");
    expect([counts.rows[0]!.e, counts.rows[0]!.h, counts.rows[0]!.s]).toEqual([0, 0, 0]);
    // and the connection is usable afterwards
    await insertEvents(db.writePath, events);
    expect(Number((await db.client.execute("SELECT sum(requests) AS n FROM rollups_daily")).rows[0]!.n)).toBe(10);
    db.close();
  });

  test("the native write path and the client's write identical rows", async () => {
    const a = await freshDb();
    const b = await freshDb();
    const events = randomEvents("org", "key", 1500, 3, 11);
    await insertInBatches(a.writePath, events, 500);
    const viaClient = clientWritePath(b.client);
    await insertInBatches(viaClient, events, 500);
    for (const table of ["events", "rollups_hourly", "rollups_daily", "status_counts_hourly", "status_counts_daily"]) {
      const dump = async (d: Database) => (await d.client.execute(`SELECT * FROM ${table} ORDER BY 1, 2, 3, 4, 5`)).rows.map((r) => JSON.stringify(r));
      expect(await dump(a)).toEqual(await dump(b));
    }
    a.close();
    b.close();
  });
});
