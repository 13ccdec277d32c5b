/**
 * Many replicas, one real libSQL server (sqld with JWT auth): started
 * together they migrate once and share one org; every answered request is
 * one event; a writer thread that dies or cannot finish loses nothing;
 * SIGTERM while the database is stopped ends with exit 0 and the next start
 * writes what was spooled. Outages under load: replicas-outage.test.ts.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate.ts";
import { migrations } from "../../src/db/migrations.ts";
import { generateOrgKey, hashKey, keyPrefix } from "../../src/lib/keys.ts";
import { createLogger, silentLogger } from "../../src/lib/log.ts";
import { createLectrMetrics } from "../../src/observe/metrics.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { startRecorder } from "../../src/record/recorder.ts";
import { parseExposition, sampleValue } from "../helpers/prom-parse.ts";
import { chat, replicaHarness, stopAll, type Answer } from "../helpers/replicas.ts";
import { eventRow } from "../helpers/rows.ts";
import { waitFor } from "../helpers/wait-for.ts";

const h = replicaHarness();

test("two replicas started at once: migrations once, one org and one printed key, 2,000 requests → exactly their 2,000 events", async () => {
  const replicas = await h.startReplicas([h.sqld.url, `libsql://127.0.0.1:${h.sqld.port}?tls=0`]);
  const keys = replicas.map((r) => r.key).filter(Boolean);
  expect(keys.length).toBe(1);
  expect((await h.db.execute("SELECT name FROM __lectr_migrations ORDER BY name")).rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name).sort());
  expect((await h.db.execute("SELECT name FROM orgs")).rows.map((r) => r.name)).toEqual(["default"]);

  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < 2_000) answers.push(await chat(replicas[next++ % 2]!, keys[0]!));
    }),
  );
  expect(answers.filter((a) => a.status === 200).length).toBe(2_000);
  const sent = answers.map((a) => a.id!).sort();
  await waitFor(async () => (await h.storedIds()).length >= 2_000, { timeoutMs: 20_000, message: "2,000 events stored" });
  expect((await h.storedIds()).sort()).toEqual(sent);
  // the rollups count each event once, whichever replica wrote it
  expect(Number((await h.db.execute("SELECT sum(requests) AS n FROM rollups_hourly")).rows[0]!.n)).toBe(2_000);
  await stopAll(replicas);
  expect(h.spooled()).toEqual([]);
  await h.db.execute("DELETE FROM events");
}, 60_000);


test("the writer thread killed while writing: noticed, a new one started, every event stored exactly once", async () => {
  await migrate(h.db); // a no-op after the replicas above; this test may also run alone
  const threads: Worker[] = [];
  const logs: string[] = [];
  const recorder = await startRecorder(
    { dbUrl: h.sqld.url, dbAuthToken: h.sqld.token, spoolDir: join(h.cwd, "thread-spool"), batchSize: 100, intervalMs: 20, retryMs: 200, maxQueued: 50_000, timeoutMs: 10_000, logLevel: "error" },
    {
      log: createLogger("error", (line) => logs.push(line)),
      spawn: () => {
        const w = new Worker(new URL("../../src/record/worker.ts", import.meta.url).href, { type: "module" });
        threads.push(w);
        return w;
      },
    },
  );
  const org = "thread-test-org";
  const at = Date.now();
  const rows = Array.from({ length: 3_000 }, (_, i) => eventRow(org, "thread-test", at + i));
  for (const r of rows.slice(0, 2_000)) recorder.record(r);
  // the thread dies with events handed to it and not yet written
  await waitFor(() => recorder.stats().written > 0 || recorder.stats().queued > 0, { timeoutMs: 5_000 });
  threads[0]!.terminate();
  for (const r of rows.slice(2_000)) recorder.record(r);
  await recorder.settled();
  await waitFor(async () => Number((await h.db.execute("SELECT count(*) AS n FROM events WHERE key_id = 'thread-test'")).rows[0]!.n) >= 3_000, {
    timeoutMs: 20_000,
    message: "3,000 events stored",
  });
  const stored = (await h.db.execute("SELECT id FROM events WHERE key_id = 'thread-test'")).rows.map((r) => String(r.id));
  expect(stored.sort()).toEqual(rows.map((r) => r.id).sort());
  expect(recorder.stats().restarts).toBe(1);
  const metrics = parseExposition(createLectrMetrics(builtinPrices, () => recorder.stats()).registry.render()).samples;
  expect(sampleValue(metrics, "lectr_event_writer_restarts_total")).toBe(1);
  expect(threads.length).toBe(2);
  expect(logs.some((l) => l.includes("event writer thread stopped"))).toBe(true);
  await recorder.close(10_000);
}, 40_000);

test("SIGTERM while the database is stopped: exit 0 within the grace period, events kept in the spool and written by the next start", async () => {
  const [a] = await h.startReplicas([h.sqld.url]);
  const key = generateOrgKey();
  await h.db.execute({
    sql: "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at) VALUES (?, (SELECT id FROM orgs LIMIT 1), ?, ?, ?)",
    args: ["sigterm-key", keyPrefix(key), hashKey(key), Date.now()],
  });
  expect((await chat(a!, key)).status).toBe(200);
  h.sqld.pause();
  let answers: Answer[];
  try {
    answers = await Promise.all(Array.from({ length: 50 }, () => chat(a!, key)));
    await stopAll([a!]);
  } finally {
    h.sqld.resume();
  }
  expect(answers.every((x) => x.status === 200)).toBe(true);
  expect(a!.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  expect(a!.lines.some((l) => l.includes("spooling events until it is back"))).toBe(true);
  // a new replica from the same folder adopts the stopped one's spool
  const [b] = await h.startReplicas([h.sqld.url]);
  const ids = new Set(answers.map((x) => x.id!));
  await waitFor(async () => (await h.storedIds()).filter((id) => ids.has(id)).length === 50, { timeoutMs: 20_000, message: "spooled events written" });
  await waitFor(() => h.spooled().length === 0, { timeoutMs: 10_000, message: "spool empty" });
  await stopAll([b!]);
}, 60_000);

test("a writer that cannot finish before the close deadline, and an event recorded after the close: spooled from the request thread, replayed by the next writer", async () => {
  await migrate(h.db);
  // spooled rows are replayed only for a key of their own org
  await h.db.batch([
    "INSERT INTO orgs (id, name, created_at) VALUES ('deadline-org', 'deadline-org', 0)",
    "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at, scope) VALUES ('deadline-test', 'deadline-org', 'lk_deadline', 'deadline-hash', 0, 'admin')",
  ]);
  const spoolDir = join(h.cwd, "deadline-spool");
  const config = { dbUrl: h.sqld.url, dbAuthToken: h.sqld.token, spoolDir, batchSize: 100, intervalMs: 20, retryMs: 200, maxQueued: 50_000, timeoutMs: 10_000, logLevel: "error" as const };
  const logs: string[] = [];
  const first = await startRecorder(config, { log: createLogger("warn", (line) => logs.push(line)) });
  const rows = Array.from({ length: 300 }, (_, i) => eventRow("deadline-org", "deadline-test", Date.now() + i));
  h.sqld.pause();
  try {
    for (const r of rows) first.record(r);
    // the server takes the batch and never answers: the writer is still waiting at the deadline
    await first.close(300);
  } finally {
    h.sqld.resume();
  }
  expect(logs.some((l) => l.includes("events left in the spool") && l.includes('"events":300'))).toBe(true);
  // a request that ends after the writer closed: its event goes to the spool too
  const late = eventRow("deadline-org", "deadline-test", Date.now() + 1_000);
  rows.push(late);
  first.record(late);
  await first.settled();
  const second = await startRecorder(config, { log: silentLogger });
  await waitFor(async () => Number((await h.db.execute("SELECT count(*) AS n FROM events WHERE key_id = 'deadline-test'")).rows[0]!.n) === 301, {
    timeoutMs: 20_000,
    message: "the spooled events written by the next writer",
  });
  await second.close(10_000);
  const ids = (await h.db.execute("SELECT id FROM events WHERE key_id = 'deadline-test'")).rows.map((r) => String(r.id));
  expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
}, 40_000);
