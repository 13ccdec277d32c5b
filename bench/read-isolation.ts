/**
 * `npm run bench:read-isolation [-- --events 1000000 --seconds 10 --rate 50]`
 *
 * A normal client's /v1 latency while a `read` key scans a heavy org's
 * events through GraphQL. 1M events are inserted with SQL into a temp
 * database (not through the proxy). One client sends chat completions at
 * 50/s (mock upstream in its own process); p50/p99/max alone, then
 * while the read key sends back-to-back `usageGroups` by model × feature over
 * LAST_30_DAYS (the batch's ten queries, one request each: the batch itself
 * is now refused by the cost limit, timed below). The client sends at a
 * steady rate and times each request from when it was due. Twice, in this run:
 * before — reads on the thread that serves /v1, as main ran them
 * (LECTR_READ_THREADS=0) — and after — reads on the read threads.
 * Target: after, p99 with the reader within 20 ms of p99 alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createKey, createOrg } from "../src/db/orgs.ts";
import { silentLogger } from "../src/lib/log.ts";
import { startServer, type Lectr } from "../src/server.ts";
import { bulkEvents } from "../test/helpers/bulk-events.ts";
import { option } from "./lib/args.ts";
import { percentile } from "./lib/stats.ts";
import { startMockProcess } from "./lib/targets.ts";
import { describeMachine, machineLine } from "./lib/machine.ts";

const events = Number(option("events") ?? 1_000_000);
const seconds = Number(option("seconds") ?? 10);
/** The normal client's requests per second. */
const rate = Number(option("rate") ?? 50);
const day = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-reads-"));
const dbUrl = `file:${join(dir, "bench.db")}`;
const usageGroups = `{ usageGroups(period: { preset: LAST_30_DAYS }, by: [MODEL, FEATURE]) { total { requests } groups { keys requests costUsd } } }`;

const { mock, mockUrl } = await startMockProcess({ cpus: "0-1", log: join(dir, "mock.log") });

const serve = (readThreads: number) =>
  startServer(
    {
      ...loadConfig({ LECTR_DB_URL: dbUrl, LECTR_PORT: "0", LECTR_HOST: "127.0.0.1", LECTR_OPENAI_BASE_URL: mockUrl, LECTR_ALLOW_PRIVATE_UPSTREAMS: "true" }),
      readThreads,
      readTimeoutMs: 120_000,
      keyCacheTtlMs: 600_000,
    },
    { log: silentLogger, bootstrap: false },
  );

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

/** Lateness of a 5 ms timer on this thread (the one serving /v1) while `work` runs: how long the thread was held. */
async function lateness<T>(work: Promise<T>): Promise<{ result: T; over20: number; maxMs: number }> {
  let last = performance.now();
  let over20 = 0;
  let maxMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - 5;
    last = now;
    if (late > 20) over20++;
    maxMs = Math.max(maxMs, late);
  }, 5);
  try {
    return { result: await work, over20, maxMs };
  } finally {
    clearInterval(timer);
  }
}

const gql = (url: string, key: string, body: unknown) =>
  fetch(`${url}/graphql`, { method: "POST", timeout: false, headers: { "content-type": "application/json", "x-lectr-key": key }, body: JSON.stringify(body) });

async function measure(lectr: Lectr, normalKey: string, readKey: string) {
  // warm-up: the /v1 path, GraphQL (loaded on its first request) and the read threads
  await client(lectr.url, normalKey, 1000);
  for (let i = 0; i < 3; i++) await (await gql(lectr.url, readKey, { query: usageGroups.replace("LAST_30_DAYS", "LAST_HOUR") })).text();
  const alone = await lateness(client(lectr.url, normalKey, seconds * 1000));
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
  try {
    const busy = await lateness(client(lectr.url, normalKey, seconds * 1000));
    return { alone, busy, queries, queryMs: queryMs / Math.max(1, queries) };
  } finally {
    stop = true;
    await reader;
  }
}

try {
  const seed = await serve(0);
  const heavy = await createOrg(seed.database.db, "heavy");
  const normal = await createOrg(seed.database.db, "normal");
  const readKey = (await createKey(seed.database.db, heavy.org.id, { scope: "read" })).key;
  const t0 = performance.now();
  const now = Date.now();
  await bulkEvents(seed.database.client, { orgId: heavy.org.id, keyId: heavy.keyRow.id, count: events, from: now - 29 * day, to: now - 60_000 });
  const seedS = (performance.now() - t0) / 1000;
  await seed.shutdown();

  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
  let batchRefusal = "";
  for (const [name, threads] of [["before (reads on the /v1 thread)", 0], ["after (read threads)", 2]] as const) {
    const lectr = await serve(threads);
    try {
      rows.push([name, await measure(lectr, normal.key, readKey)]);
      if (threads > 0) {
        const t = performance.now();
        const res = await gql(lectr.url, readKey, Array.from({ length: 10 }, () => ({ query: usageGroups })));
        const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        batchRefusal = `the ten-query batch: ${res.status} ${body.errors?.[0]?.extensions?.code ?? "accepted"} in ${(performance.now() - t).toFixed(1)} ms`;
      }
    } finally {
      await lectr.shutdown();
    }
  }

  const f = (n: number) => n.toFixed(1).padStart(9);
  console.log(`\n/v1 latency (ms) of a client sending ${rate}/s, timed from when each was due, ${seconds} s per phase; ${events} events of a heavy org inserted in ${seedS.toFixed(1)} s`);
  console.log(machineLine(describeMachine()));
  console.log(`load average (1/5/15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
  console.log(`${"".padEnd(48)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)} ${"req".padStart(6)} ${"held".padStart(6)} ${"held max".padStart(9)}   reader`);
  for (const [name, r] of rows) {
    const line = (label: string, m: Awaited<ReturnType<typeof lateness<number[]>>>) =>
      `${label.padEnd(48)} ${f(percentile(m.result, 50))} ${f(percentile(m.result, 99))} ${f(Math.max(...m.result))} ${String(m.result.length).padStart(6)} ${String(m.over20).padStart(6)} ${f(m.maxMs)}`;
    console.log(line(`${name}, alone`, r.alone));
    console.log(`${line(`${name}, with reader`, r.busy)}   ${r.queries} usageGroups, ${r.queryMs.toFixed(0)} ms each`);
  }
  const after = rows[1]![1];
  const delta = percentile(after.busy.result, 99) - percentile(after.alone.result, 99);
  console.log(`\nafter: p99 with the reader − p99 alone = ${delta.toFixed(1)} ms (target ≤ 20 ms) ${delta <= 20 ? "✓" : "✗"}`);
  console.log(batchRefusal);
  console.log("held: times this thread (the one serving /v1) answered a 5 ms timer more than 20 ms late; held max: the longest, in ms.");
} finally {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
}
