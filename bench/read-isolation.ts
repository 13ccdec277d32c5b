/**
 * `npm run bench:read-isolation [-- --events 1000000 --seconds 10 --rate 50 --threads 1 --rounds 3]`
 *
 * A normal client's /v1 latency while a `read` key scans a heavy org's
 * events through GraphQL. 1M events are inserted with SQL into a temp
 * database (not through the proxy). Lectr and the mock upstream run in
 * their own processes; one client sends chat completions at 50/s;
 * p50/p99/max alone, then
 * while the read key sends back-to-back `usageGroups` by model × feature over
 * LAST_30_DAYS (the batch's ten queries, one request each: the batch itself
 * is now refused by the cost limit, timed below). The client sends at a
 * steady rate and times each request from when it was due. Twice, in this run:
 * before — reads on the thread that serves /v1, as main ran them
 * (LECTR_READ_THREADS=0) — and after — reads on the read threads.
 * Target: after, p99 with the reader within 20 ms of p99 alone (the median
 * over `rounds` pairs: the machine may be shared).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { createKey, createOrg } from "../src/db/orgs.ts";
import { bulkEvents } from "../test/helpers/bulk-events.ts";
import { root } from "../test/helpers/process.ts";
import { cleanEnv, freePort, start, waitForHttp } from "./lib/proc.ts";
import { option } from "./lib/args.ts";
import { percentile } from "./lib/stats.ts";
import { startMockProcess } from "./lib/targets.ts";
import { describeMachine, machineLine } from "./lib/machine.ts";

const events = Number(option("events") ?? 1_000_000);
const seconds = Number(option("seconds") ?? 10);
/** The normal client's requests per second. */
const rate = Number(option("rate") ?? 50);
/** Times the read-thread pair (alone, with the reader) is measured. */
const rounds = Number(option("rounds") ?? 3);
const day = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-reads-"));
const dbUrl = `file:${join(dir, "bench.db")}`;
const usageGroups = `{ usageGroups(period: { preset: LAST_30_DAYS }, by: [MODEL, FEATURE]) { total { requests } groups { keys requests costUsd } } }`;

const { mock, mockUrl } = await startMockProcess({ cpus: "0-1", log: join(dir, "mock.log") });

/** Lectr in its own process on the seeded database; reads on `readThreads` threads (0: on the /v1 thread). */
async function serve(readThreads: number) {
  const port = freePort();
  const env = cleanEnv({
    LECTR_PORT: String(port),
    LECTR_DB_URL: dbUrl,
    LECTR_OPENAI_BASE_URL: mockUrl,
    LECTR_ALLOW_PRIVATE_UPSTREAMS: "true",
    LECTR_READ_THREADS: String(readThreads),
    LECTR_READ_TIMEOUT_MS: "120000",
    LECTR_LOG_LEVEL: "error",
  });
  // a flag before `serve`, so that a `pkill -f "src/main.ts serve"` in someone's shell loop does not take down the process being measured
  const s = start({ name: "lectr", cmd: [process.execPath, join(root, "src/main.ts"), "--host", "127.0.0.1", "serve"], cpus: "0-1", cwd: dir, env, log: join(dir, `lectr-${readThreads}.log`) });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(s, `${url}/healthz`);
  return { url, stop: () => s.stop() };
}

/**
 * Chat completions at a steady `rate` per second for `ms`, each timed from
 * when it was due (not when the loop got to send it), so a stalled thread
 * shows in every request it held up, not only in the one in flight.
 */
async function client(url: string, key: string, ms: number): Promise<number[]> {
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  const start = performance.now();
  const sent: Promise<number>[] = [];
  for (let i = 0; i < (ms / 1000) * rate; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sent.push(
      fetch(`${url}/v1/chat/completions`, { method: "POST", timeout: false, headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-bench" }, body }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`chat answered ${res.status}`);
        return performance.now() - due;
      }),
    );
  }
  return Promise.all(sent);
}

const gql = (url: string, key: string, body: unknown) =>
  fetch(`${url}/graphql`, { method: "POST", timeout: false, headers: { "content-type": "application/json", "x-lectr-key": key }, body: JSON.stringify(body) });

const progress = (line: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);

async function measure(lectr: { url: string }, normalKey: string, readKey: string) {
  // warm-up: the /v1 path, GraphQL (loaded on its first request) and the read threads
  await client(lectr.url, normalKey, 1000);
  for (let i = 0; i < 3; i++) await (await gql(lectr.url, readKey, { query: usageGroups.replace("LAST_30_DAYS", "LAST_HOUR") })).text();
  progress("the client alone");
  const alone = await client(lectr.url, normalKey, seconds * 1000);
  progress("the client with the reader");
  let stop = false;
  let queries = 0;
  let queryMs = 0;
  const reader = (async () => {
    while (!stop) {
      const t0 = performance.now();
      const res = await gql(lectr.url, readKey, { query: usageGroups });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`usageGroups failed: ${JSON.stringify(body.errors)}`);
      queries++;
      queryMs += performance.now() - t0;
    }
  })();
  let busy: number[];
  try {
    busy = await client(lectr.url, normalKey, seconds * 1000);
  } finally {
    stop = true;
    // the query still running when the phase ends is counted too
    await reader;
  }
  return { alone, busy, queries, queryMs: queryMs / Math.max(1, queries) };
}

try {
  const seed = await openDatabase(dbUrl);
  await migrate(seed.client);
  const heavy = await createOrg(seed.db, "heavy");
  const normal = await createOrg(seed.db, "normal");
  const readKey = (await createKey(seed.db, heavy.org.id, { scope: "read" })).key;
  progress(`inserting ${events} events`);
  const t0 = performance.now();
  const now = Date.now();
  await bulkEvents(seed.client, { orgId: heavy.org.id, keyId: heavy.keyRow.id, count: events, from: now - 29 * day, to: now - 60_000 });
  const seedS = (performance.now() - t0) / 1000;
  seed.close();

  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
  let batchRefusal = "";
  const readThreads = Number(option("threads") ?? 1);
  // the machine is shared: the read-thread pair is measured `rounds` times, on one server
  const phases: [string, number, number][] = [["before (reads on the /v1 thread)", 0, 1], [`after (${readThreads} read thread${readThreads === 1 ? "" : "s"})`, readThreads, rounds]];
  for (const [name, threads, times] of phases) {
    progress(name);
    const lectr = await serve(threads);
    try {
      for (let i = 1; i <= times; i++) rows.push([times > 1 ? `${name} #${i}` : name, await measure(lectr, normal.key, readKey)]);
      if (threads > 0) {
        const t = performance.now();
        const res = await gql(lectr.url, readKey, Array.from({ length: 10 }, () => ({ query: usageGroups })));
        const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        batchRefusal = `the ten-query batch: ${res.status} ${body.errors?.[0]?.extensions?.code ?? "accepted"} in ${(performance.now() - t).toFixed(1)} ms`;
      }
    } finally {
      await lectr.stop();
    }
  }

  const f = (n: number) => n.toFixed(1).padStart(9);
  console.log(`\n/v1 latency (ms) of a client sending ${rate}/s, timed from when each was due, ${seconds} s per phase; ${events} events of a heavy org inserted in ${seedS.toFixed(1)} s`);
  console.log(machineLine(describeMachine()));
  console.log(`load average (1/5/15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
  console.log(`${"".padEnd(48)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)} ${"req".padStart(6)}   reader`);
  for (const [name, r] of rows) {
    const line = (label: string, t: number[]) => `${label.padEnd(48)} ${f(percentile(t, 50))} ${f(percentile(t, 99))} ${f(Math.max(...t))} ${String(t.length).padStart(6)}`;
    console.log(line(`${name}, alone`, r.alone));
    console.log(`${line(`${name}, with reader`, r.busy)}   ${r.queries} usageGroups, ${r.queryMs.toFixed(0)} ms each`);
  }
  const deltas = rows.slice(1).map(([, r]) => percentile(r.busy, 99) - percentile(r.alone, 99));
  const delta = percentile(deltas, 50);
  console.log(`\nafter: p99 with the reader − p99 alone, per round: ${deltas.map((d) => d.toFixed(1)).join(", ")} ms; median ${delta.toFixed(1)} ms (target ≤ 20 ms) ${delta <= 20 ? "✓" : "✗"}`);
  console.log(batchRefusal);
} finally {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
}
