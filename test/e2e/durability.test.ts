/**
 * Nothing lost: a database that stops taking writes, a restart with a
 * non-empty spool, SIGKILL, and two processes sharing one file.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { openSpool } from "../../src/record/spool.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { root, spawnLectr, type LectrProcess } from "../helpers/process.ts";
import { waitFor } from "../helpers/wait-for.ts";

let mock: MockUpstream;
let dir: string;
beforeAll(async () => {
  mock = await startMockUpstream("openai");
  dir = mkdtempSync(join(tmpdir(), "lectr-durability-"));
});
/** Processes a test may leave running when an assertion fails: stopped here. */
const tracked: LectrProcess[] = [];
const spawnTracked = async (env: Record<string, string>) => {
  const p = await spawnLectr(env);
  tracked.push(p);
  return p;
};
afterAll(async () => {
  for (const p of tracked) if (p.proc.exitCode === null) p.kill("SIGKILL");
  await Promise.all(tracked.map((p) => p.exited));
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (lectr: LectrProcess, key: string, stream = false) =>
  fetch(`${lectr.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-test-openai" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] }),
  }).then(async (r) => {
    await r.text();
    return { status: r.status, id: r.headers.get("x-lectr-request-id")! };
  });

async function rows(db: string, sql = "SELECT id FROM events ORDER BY id") {
  const client = createClient({ url: `file:${db}` });
  try {
    return (await client.execute(sql)).rows;
  } finally {
    client.close();
  }
}

test("database locked by another process: requests flow, events spool, /readyz 503, then replayed exactly once", async () => {
  const db = join(dir, "locked.db");
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const key = lectr.key!;
  const first = await chat(lectr, key);
  expect(first.status).toBe(200);
  await waitFor(async () => (await rows(db)).length === 1, { timeoutMs: 5_000, intervalMs: 50 });

  // another process takes the write lock and keeps it until told to let go
  const holder = Bun.spawn(
    [process.execPath, "-e", `
      const { createClient } = require("@libsql/client");
      const c = createClient({ url: "file:${db}" });
      const tx = await c.transaction("write");
      await tx.execute("INSERT INTO orgs (id, name, created_at) VALUES ('lock', 'lock', 0)");
      console.log("locked");
      for await (const _ of console) break;
      await tx.rollback();
      console.log("released");
    `],
    { cwd: root, stdin: "pipe", stdout: "pipe" },
  );
  const holderOut = holder.stdout.getReader();
  expect(new TextDecoder().decode((await holderOut.read()).value)).toContain("locked");

  // requests are answered while the writer still waits out the lock (it gives up and spools after 5 s,
  // when /readyz turns 503): they do not wait with it
  const during = [];
  for (let i = 0; i < 10; i++) during.push(await chat(lectr, key));
  expect(during.every((r) => r.status === 200)).toBe(true);
  expect((await fetch(`${lectr.url}/readyz`)).status).toBe(200);
  await waitFor(async () => (await fetch(`${lectr.url}/readyz`)).status === 503, { timeoutMs: 10_000, intervalMs: 50 });

  holder.stdin.write("go\n");
  await holder.stdin.end();
  await holder.exited;
  await waitFor(async () => (await fetch(`${lectr.url}/readyz`)).status === 200, { timeoutMs: 10_000, intervalMs: 50 });
  const ids = (await rows(db)).map((r) => String(r.id));
  expect(ids).toEqual([first.id, ...during.map((r) => r.id)].sort());
  // the events did take the spool path
  expect(lectr.lines.filter((l) => l.includes("spooling events") || l.includes("spooled events replayed")).length).toBe(2);
  lectr.kill("SIGTERM");
  expect(await lectr.exited).toBe(0);
  expect((await rows(db)).length).toBe(11);
}, 40_000);

test("a restart with a non-empty spool replays it", async () => {
  const db = join(dir, "restart.db");
  const a = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const owner = (await rows(db, "SELECT id, org_id FROM api_keys"))[0]!;
  const org = String(owner.org_id);
  a.kill("SIGTERM");
  await a.exited;
  // events left behind by a run whose database was down
  const spool = openSpool(`${db}.spool`);
  const event = (id: string) => ({
    id, org_id: org, key_id: String(owner.id), created_at: Date.now(), endpoint: "/v1/chat/completions", provider: "openai",
    provider_source: "detected", provider_unknown: false, model: "gpt-4o", streamed: false, status: 200, latency_ms: 5, price_known: true,
  });
  spool.append([event("spooled-1"), event("spooled-2")]);
  // the process that wrote them is gone: its directory is no longer owned
  spool.close();
  const b = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  expect((await rows(db)).map((r) => r.id)).toEqual(["spooled-1", "spooled-2"]);
  expect(readdirSync(`${db}.spool`).filter((d) => readdirSync(join(`${db}.spool`, d)).some((f) => f.endsWith(".jsonl")))).toEqual([]);
  b.kill("SIGTERM");
  await b.exited;
});

test("a spool with a forged line for another org and a line that is no event: both quarantined, the good one replayed, /readyz 200", async () => {
  const db = join(dir, "forged.db");
  const a = await spawnTracked({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const owner = (await rows(db, "SELECT id, org_id FROM api_keys"))[0]!;
  a.kill("SIGTERM");
  await a.exited;
  // another org, with a key of its own, that the forged line claims to be
  const client = createClient({ url: `file:${db}` });
  await client.batch([
    "INSERT INTO orgs (id, name, created_at) VALUES ('victim', 'victim', 0)",
    "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at, scope) VALUES ('victim-key', 'victim', 'lk_victim', 'victim-hash', 0, 'admin')",
  ]);
  client.close();
  const event = (id: string, over: Record<string, unknown> = {}) => ({
    id, org_id: String(owner.org_id), key_id: String(owner.id), created_at: Date.now(), endpoint: "/v1/chat/completions", provider: "openai",
    provider_source: "detected", provider_unknown: false, model: "gpt-4o", streamed: false, status: 200, latency_ms: 5, price_known: true, cost_usd: 0.001, ...over,
  });
  const spool = openSpool(`${db}.spool`);
  spool.append([event("good"), event("forged", { org_id: "victim", cost_usd: 1000 }), { id: "x" } as never]);
  spool.close();
  const b = await spawnTracked({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  expect((await rows(db)).map((r) => String(r.id))).toEqual(["good"]);
  expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  const quarantined = readFileSync(join(`${db}.spool`, "quarantine.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).reason);
  expect(quarantined.sort()).toEqual(["key belongs to another org", "missing org_id"]);
  expect(await (await fetch(`${b.url}/metrics`)).text()).toContain("lectr_spool_quarantined_total 2\n");
  expect(b.lines.some((l) => l.includes("spool lines quarantined"))).toBe(true);
  b.kill("SIGTERM");
  expect(await b.exited).toBe(0);
});

test("SIGKILL loses at most the last flush interval; the file is intact", async () => {
  const db = join(dir, "killed.db");
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const done = await Promise.all(Array.from({ length: 30 }, () => chat(lectr, lectr.key!)));
  // flushed within the interval (bounded wait: a loaded machine may be slower)
  await waitFor(async () => (await rows(db)).length === 30, { timeoutMs: 5_000, intervalMs: 50 });
  const late = await Promise.all(Array.from({ length: 5 }, () => chat(lectr, lectr.key!)));
  lectr.kill("SIGKILL");
  await lectr.exited;
  const ids = new Set((await rows(db)).map((r) => String(r.id)));
  expect(done.every((r) => ids.has(r.id))).toBe(true);
  expect(ids.size).toBeLessThanOrEqual(35);
  expect(late.filter((r) => ids.has(r.id)).length).toBeLessThanOrEqual(5);
  expect((await rows(db, "PRAGMA integrity_check"))[0]![0]).toBe("ok");
});

test("SIGKILL under load: every request a client got an answer for is in events exactly once after a restart", async () => {
  const db = join(dir, "killed-under-load.db");
  const env = { LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl };
  const lectr = await spawnTracked(env);
  const key = lectr.key!;
  const answered: string[] = [];
  let sending = true;
  const load = Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      while (sending) {
        // half the clients stream: a stream's event is journaled before its last chunk goes out
        const r = await chat(lectr, key, i % 2 === 1).catch(() => undefined);
        if (!r) return;
        if (r.status === 200) answered.push(r.id);
      }
    }),
  );
  // killed mid-stream of requests, long enough in that batches were written and some still wait
  await waitFor(() => answered.length >= 300, { timeoutMs: 20_000, intervalMs: 10 });
  lectr.kill("SIGKILL");
  await lectr.exited;
  sending = false;
  await load;
  const got = [...answered];
  const before = new Set((await rows(db)).map((r) => String(r.id)));
  const restarted = await spawnTracked(env);
  // the first start's journal is replayed by the new process as soon as it sees its process is gone
  await waitFor(async () => {
    const ids = new Set((await rows(db)).map((r) => String(r.id)));
    return got.every((id) => ids.has(id));
  }, { timeoutMs: 10_000, intervalMs: 50 });
  const ids = (await rows(db)).map((r) => String(r.id));
  expect(ids.length).toBe(new Set(ids).size);
  expect(got.filter((id) => !ids.includes(id))).toEqual([]);
  restarted.kill("SIGTERM");
  expect(await restarted.exited).toBe(0);
  // the replay did something: at the kill, some answered events were not yet in the database
  expect({ missingAtKill: got.some((id) => !before.has(id)), replayed: restarted.lines.some((l) => l.includes("spooled events replayed")) }).toEqual({
    missingAtKill: true,
    replayed: true,
  });
  // rollups count each event once as well
  const [counted] = await rows(db, "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT SUM(requests) FROM rollups_daily) AS rolled");
  expect(Number(counted!.rolled)).toBe(Number(counted!.events));
}, 60_000);

test("two processes on one database file both record every event", async () => {
  const db = join(dir, "shared.db");
  const a = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const b = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  // only one of them created the default org
  const key = a.key ?? b.key;
  expect([a.key, b.key].filter(Boolean).length).toBe(1);
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => chat(i % 2 ? a : b, key!)));
  expect(results.every((r) => r.status === 200)).toBe(true);
  a.kill("SIGTERM");
  b.kill("SIGTERM");
  expect([await a.exited, await b.exited]).toEqual([0, 0]);
  expect((await rows(db)).map((r) => String(r.id))).toEqual(results.map((r) => r.id).sort());
});

test("SIGTERM with the database's directory removed at the same moment, under load, on one core: the process still stops, exit 0", async () => {
  const folder = join(dir, "removed");
  mkdirSync(folder);
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${join(folder, "lectr.db")}`, LECTR_OPENAI_BASE_URL: mock.baseUrl }, [
    "taskset", "-c", "0", process.execPath, join(root, "src/main.ts"), "serve",
  ]);
  let sending = true;
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sending) await chat(lectr, lectr.key!).catch(() => (sending = false));
    }),
  );
  await waitFor(async () => (await rows(join(folder, "lectr.db"))).length >= 50, { timeoutMs: 10_000, intervalMs: 50 });
  lectr.kill("SIGTERM");
  rmSync(folder, { recursive: true, force: true });
  const code = await Promise.race([lectr.exited, new Promise<"late">((r) => setTimeout(() => r("late"), 30_000))]);
  sending = false;
  await load;
  if (code === "late") lectr.kill("SIGKILL");
  expect(code).toBe(0);
  expect(lectr.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
}, 45_000);
