/**
 * Many replicas, one real libSQL server (sqld with JWT auth): started
 * together they migrate once and share one org; every answered request is
 * one event; a 10 s database outage under load loses nothing and needs no
 * restart; SIGTERM ends both with exit 0. The replicas run from one folder
 * with the default spool, so they also share one spool root.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { migrate } from "../../src/db/migrate.ts";
import { migrations } from "../../src/db/migrations.ts";
import { generateOrgKey, hashKey, keyPrefix } from "../../src/lib/keys.ts";
import { createLogger, silentLogger } from "../../src/lib/log.ts";
import { createLectrMetrics } from "../../src/observe/metrics.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { startRecorder } from "../../src/record/recorder.ts";
import { parseExposition, sampleValue } from "../helpers/prom-parse.ts";
import { eventRow } from "../helpers/rows.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { root, spawnLectr, type LectrProcess } from "../helpers/process.ts";
import { startSqld, type Sqld } from "../helpers/sqld.ts";
import { waitFor } from "../helpers/wait-for.ts";

let sqld: Sqld;
let mock: MockUpstream;
let cwd: string;
let db: Client;
/** Every replica started, killed in afterAll should a test fail before stopping it. */
const started: LectrProcess[] = [];
beforeAll(async () => {
  [sqld, mock] = await Promise.all([startSqld(), startMockUpstream("openai")]);
  cwd = mkdtempSync(join(tmpdir(), "lectr-replicas-"));
  db = createClient({ url: sqld.url, authToken: sqld.token });
});
afterAll(async () => {
  for (const r of started) if (r.proc.exitCode === null) r.kill("SIGKILL");
  await Promise.all(started.map((r) => r.exited));
  db.close();
  await Promise.all([sqld.stop(), mock.stop()]);
  rmSync(cwd, { recursive: true, force: true });
});

interface Answer {
  status: number;
  id: string | null;
  code?: string;
  retryAfter?: string | null;
}

async function chat(lectr: LectrProcess, key: string): Promise<Answer> {
  const r = await fetch(`${lectr.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-test-openai" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  const body = (await r.json()) as { error?: { code: string } };
  return { status: r.status, id: r.headers.get("x-lectr-request-id"), code: body.error?.code, retryAfter: r.headers.get("retry-after") };
}

/** Replicas from one folder on one database, each with its own URL form. */
async function startReplicas(urls: string[]) {
  const env = (url: string) => ({ LECTR_DB_URL: url, LECTR_DB_AUTH_TOKEN: sqld.token, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const cmd = [process.execPath, join(root, "src/main.ts"), "serve"];
  const replicas = await Promise.all(urls.map((u) => spawnLectr(env(u), cmd, cwd)));
  started.push(...replicas);
  return replicas;
}

async function storedIds(): Promise<string[]> {
  return (await db.execute("SELECT id FROM events")).rows.map((r) => String(r.id));
}

/** SIGTERM all; all exit 0 within the 30 s grace period. */
async function stopAll(replicas: LectrProcess[]) {
  for (const r of replicas) r.kill("SIGTERM");
  const codes = await Promise.race([Promise.all(replicas.map((r) => r.exited)), new Promise<"late">((r) => setTimeout(() => r("late"), 30_000))]);
  if (codes === "late") for (const r of replicas) r.kill("SIGKILL");
  expect(codes).toEqual(replicas.map(() => 0));
}

/** Spool files left anywhere under the shared default spool root. */
const spooled = () => {
  const dir = join(cwd, "lectr-spool");
  const list = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  return list(dir).flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)).map((f) => f.name) : [e.name])).filter((f) => f.endsWith(".jsonl"));
};

test("two replicas started at once: migrations once, one org and one printed key, 2,000 requests → exactly their 2,000 events", async () => {
  const replicas = await startReplicas([sqld.url, `libsql://127.0.0.1:${sqld.port}?tls=0`]);
  const keys = replicas.map((r) => r.key).filter(Boolean);
  expect(keys.length).toBe(1);
  expect((await db.execute("SELECT name FROM __lectr_migrations ORDER BY name")).rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name).sort());
  expect((await db.execute("SELECT name FROM orgs")).rows.map((r) => r.name)).toEqual(["default"]);

  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < 2_000) answers.push(await chat(replicas[next++ % 2]!, keys[0]!));
    }),
  );
  expect(answers.filter((a) => a.status === 200).length).toBe(2_000);
  const sent = answers.map((a) => a.id!).sort();
  await waitFor(async () => (await storedIds()).length >= 2_000, { timeoutMs: 20_000, message: "2,000 events stored" });
  expect((await storedIds()).sort()).toEqual(sent);
  // the rollups count each event once, whichever replica wrote it
  expect(Number((await db.execute("SELECT sum(requests) AS n FROM rollups_hourly")).rows[0]!.n)).toBe(2_000);
  await stopAll(replicas);
  expect(spooled()).toEqual([]);
  await db.execute("DELETE FROM events");
}, 60_000);

/**
 * Load on two replicas through a database outage of `seconds`: every request
 * is answered, every answered request's event is stored exactly once within
 * 30 s of recovery, by the same processes.
 */
async function outageUnderLoad(o: { urls: [string, string]; seconds: number; stop(): void | Promise<void>; resume(): void | Promise<void>; tag: string }) {
  const replicas = await startReplicas(o.urls);
  await migrate(db); // a no-op: the replicas ran it; this test may also run alone
  // a key both replicas learn before the outage, and one they never see before it
  const warm = generateOrgKey();
  const cold = generateOrgKey();
  const org = String((await db.execute("SELECT id FROM orgs")).rows[0]!.id);
  for (const [i, k] of [warm, cold].entries()) {
    await db.execute({
      sql: "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
      args: [`${o.tag}-${i}`, org, keyPrefix(k), hashKey(k), Date.now()],
    });
  }
  const before = new Set(await storedIds());
  const answers: Answer[] = [];
  for (const r of replicas) answers.push(await chat(r, warm));

  let loading = true;
  let n = 0;
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (loading) answers.push(await chat(replicas[n++ % 2]!, warm));
    }),
  );
  await waitFor(() => answers.length >= 202, { timeoutMs: 10_000 });
  await o.stop();
  const stoppedAt = Date.now();
  try {
    // both replicas say they are not ready, and a key they never saw is turned away with a reason
    await waitFor(async () => (await Promise.all(replicas.map((r) => fetch(`${r.url}/readyz`).then((x) => x.status)))).every((s) => s === 503), {
      timeoutMs: o.seconds * 1000 - 1_000,
      message: "/readyz 503 during the outage",
    });
    const turnedAway = await chat(replicas[0]!, cold);
    expect(turnedAway).toMatchObject({ status: 503, code: "database_unavailable", retryAfter: "5", id: null });
    // more of them than the bad-key limit (20 a minute): an unreachable database is not the client's failure, no 429
    const again = await Promise.all(Array.from({ length: 25 }, () => chat(replicas[0]!, cold)));
    expect(new Set(again.map((a) => `${a.status} ${a.code}`))).toEqual(new Set(["503 database_unavailable"]));
    // the outage lasts its full length, load running throughout
    await waitFor(() => Date.now() - stoppedAt >= o.seconds * 1000, { timeoutMs: o.seconds * 1000 + 1_000, intervalMs: 100 });
  } finally {
    await o.resume();
  }
  const during = answers.length;
  loading = false;
  await load;
  expect(during).toBeGreaterThan(202);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);

  const sent = answers.map((a) => a.id!);
  await waitFor(
    async () => {
      const stored = new Set(await storedIds());
      return sent.every((id) => stored.has(id));
    },
    { timeoutMs: 30_000, intervalMs: 250, message: "every answered request's event stored within 30 s of recovery" },
  );
  expect((await db.execute("SELECT id, count(*) AS n FROM events GROUP BY id HAVING n > 1")).rows).toEqual([]);
  expect((await storedIds()).filter((id) => !before.has(id)).sort()).toEqual(sent.sort());
  // the same processes, ready again, with nothing left in any spool
  expect(replicas.map((r) => r.proc.exitCode)).toEqual([null, null]);
  await waitFor(async () => (await Promise.all(replicas.map((r) => fetch(`${r.url}/readyz`).then((x) => x.status)))).every((s) => s === 200), {
    timeoutMs: 10_000,
  });
  await waitFor(() => spooled().length === 0, { timeoutMs: 10_000, message: "spool empty" });
  // the cold key works once the database answers
  expect((await chat(replicas[0]!, cold)).status).toBe(200);
  await stopAll(replicas);
}

test("the database stopped (SIGSTOP) for 10 s under load: every request answered, every event stored exactly once after it is back, no restart", async () => {
  await outageUnderLoad({ urls: [`ws://127.0.0.1:${sqld.port}`, sqld.url], seconds: 10, stop: () => sqld.pause(), resume: () => sqld.resume(), tag: "paused" });
}, 90_000);

test("the database killed and restarted 4 s later under load: both replicas reconnect, nothing lost or doubled", async () => {
  await outageUnderLoad({ urls: [`ws://127.0.0.1:${sqld.port}`, sqld.url], seconds: 4, stop: () => sqld.kill(), resume: () => sqld.restart(), tag: "killed" });
}, 60_000);

test("the writer thread killed while writing: noticed, a new one started, every event stored exactly once", async () => {
  await migrate(db); // a no-op after the replicas above; this test may also run alone
  const threads: Worker[] = [];
  const logs: string[] = [];
  const recorder = await startRecorder(
    { dbUrl: sqld.url, dbAuthToken: sqld.token, spoolDir: join(cwd, "thread-spool"), batchSize: 100, intervalMs: 20, retryMs: 200, maxQueued: 50_000, timeoutMs: 10_000, logLevel: "error" },
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
  await waitFor(async () => Number((await db.execute("SELECT count(*) AS n FROM events WHERE key_id = 'thread-test'")).rows[0]!.n) >= 3_000, {
    timeoutMs: 20_000,
    message: "3,000 events stored",
  });
  const stored = (await db.execute("SELECT id FROM events WHERE key_id = 'thread-test'")).rows.map((r) => String(r.id));
  expect(stored.sort()).toEqual(rows.map((r) => r.id).sort());
  expect(recorder.stats().restarts).toBe(1);
  const metrics = parseExposition(createLectrMetrics(builtinPrices, () => recorder.stats()).registry.render()).samples;
  expect(sampleValue(metrics, "lectr_event_writer_restarts_total")).toBe(1);
  expect(threads.length).toBe(2);
  expect(logs.some((l) => l.includes("event writer thread stopped"))).toBe(true);
  await recorder.close(10_000);
}, 40_000);

test("SIGTERM while the database is stopped: exit 0 within the grace period, events kept in the spool and written by the next start", async () => {
  const [a] = await startReplicas([sqld.url]);
  const key = generateOrgKey();
  await db.execute({
    sql: "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at) VALUES (?, (SELECT id FROM orgs LIMIT 1), ?, ?, ?)",
    args: ["sigterm-key", keyPrefix(key), hashKey(key), Date.now()],
  });
  expect((await chat(a!, key)).status).toBe(200);
  sqld.pause();
  let answers: Answer[];
  try {
    answers = await Promise.all(Array.from({ length: 50 }, () => chat(a!, key)));
    await stopAll([a!]);
  } finally {
    sqld.resume();
  }
  expect(answers.every((x) => x.status === 200)).toBe(true);
  expect(a!.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  expect(a!.lines.some((l) => l.includes("spooling events until it is back"))).toBe(true);
  // a new replica from the same folder adopts the stopped one's spool
  const [b] = await startReplicas([sqld.url]);
  const ids = new Set(answers.map((x) => x.id!));
  await waitFor(async () => (await storedIds()).filter((id) => ids.has(id)).length === 50, { timeoutMs: 20_000, message: "spooled events written" });
  await waitFor(() => spooled().length === 0, { timeoutMs: 10_000, message: "spool empty" });
  await stopAll([b!]);
}, 60_000);

test("a writer that cannot finish before the close deadline, and an event recorded after the close: spooled from the request thread, replayed by the next writer", async () => {
  await migrate(db);
  const spoolDir = join(cwd, "deadline-spool");
  const config = { dbUrl: sqld.url, dbAuthToken: sqld.token, spoolDir, batchSize: 100, intervalMs: 20, retryMs: 200, maxQueued: 50_000, timeoutMs: 10_000, logLevel: "error" as const };
  const logs: string[] = [];
  const first = await startRecorder(config, { log: createLogger("warn", (line) => logs.push(line)) });
  const rows = Array.from({ length: 300 }, (_, i) => eventRow("deadline-org", "deadline-test", Date.now() + i));
  sqld.pause();
  try {
    for (const r of rows) first.record(r);
    // the server takes the batch and never answers: the writer is still waiting at the deadline
    await first.close(300);
  } finally {
    sqld.resume();
  }
  expect(logs.some((l) => l.includes("events left in the spool") && l.includes('"events":300'))).toBe(true);
  // a request that ends after the writer closed: its event goes to the spool too
  const late = eventRow("deadline-org", "deadline-test", Date.now() + 1_000);
  rows.push(late);
  first.record(late);
  await first.settled();
  const second = await startRecorder(config, { log: silentLogger });
  await waitFor(async () => Number((await db.execute("SELECT count(*) AS n FROM events WHERE key_id = 'deadline-test'")).rows[0]!.n) === 301, {
    timeoutMs: 20_000,
    message: "the spooled events written by the next writer",
  });
  await second.close(10_000);
  const ids = (await db.execute("SELECT id FROM events WHERE key_id = 'deadline-test'")).rows.map((r) => String(r.id));
  expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
}, 40_000);
