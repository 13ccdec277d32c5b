/**
 * The side-by-side proxy benchmark: every target in turn against
 * one mock, same load, rounds alternating the order. Per target and round:
 *
 *   capacity  proxy alone on core 1, mock and wrk on core 0; JSON and SSE at 16 and 64 connections
 *   latency   proxy and mock on core 1, wrk on core 0; JSON and SSE at 1 connection
 *   streams   a small client (this process, core 0) times first chunk and [DONE] through the paced mock
 *
 * After every run against Lectr: exactly one event per request (see lib/events-check.ts).
 */
import { join } from "node:path";
import { judge, openEvents, settleEvents, type EventCheck } from "./lib/events-check.ts";
import { pin, type Started } from "./lib/proc.ts";
import { busiestOthers, cpuDelta, cpuMicros, cpuSnapshot, foreignLoad, machineTimes, memory, processTicks, pssKb, sampleOtherLoad, watchRss } from "./lib/procfs.ts";
import { percentile } from "./lib/stats.ts";
import { timeStreams } from "./lib/stream-client.ts";
import { startMockProcess, startTarget, unavailable, type Running, type TargetName } from "./lib/targets.ts";
import { ensureWrk, errorCount, runWrk, type WrkResult } from "./lib/wrk.ts";
import type { MockStats } from "./mock.ts";

export interface ProxyOptions {
  targets: TargetName[];
  rounds: number;
  /** wrk -d for each capacity run, and for each 1-connection latency run. */
  seconds: number;
  latencySeconds: number;
  warmSeconds: number;
  connections: number[];
  /** Timed streams per target and round for first chunk / [DONE]. */
  streams: number;
  chunkDelayMs: number;
  dir: string;
  /** Another Lectr source tree to measure (default: this one). */
  lectrRoot?: string;
  log?: (line: string) => void;
}

export type Layout = "capacity" | "latency";

export interface RunRecord {
  target: TargetName;
  round: number;
  layout: Layout;
  kind: "json" | "sse";
  connections: number;
  wrk: WrkResult;
  cpuUsPerRequest: number;
  /** The proxy's CPU over the sending window, % of one core: below ~90 % it was not the bottleneck. */
  proxyCpuPct: number;
  /** The serving process's RSS peak, and the peak of all the target's processes together. */
  rssPeakKb: number;
  treeRssPeakKb: number;
  /** PSS of all the target's processes at the end of the run (shared pages counted once). */
  treePssKb: number;
  foreignPct: number;
  stealPct: number;
  /** The busiest other processes during the run, when the machine was shared. */
  others: string[];
  mock: Pick<MockStats, "received" | "completed">;
  /** Lectr: one event per request. Others: the mock answered what the client got. */
  events?: EventCheck;
  countsMatch: boolean;
}

export interface StreamRecord {
  target: TargetName;
  round: number;
  n: number;
  firstUs: { p50: number; p99: number };
  doneUs: { p50: number; p99: number };
  events?: EventCheck;
}

export interface ProxyResults {
  options: Omit<ProxyOptions, "log" | "dir" | "lectrRoot">;
  skipped: Partial<Record<TargetName, string>>;
  runs: RunRecord[];
  /** Runs repeated because another process was busy; kept so their event checks still count. */
  discarded: RunRecord[];
  streams: StreamRecord[];
  /** VmHWM of each target process at the end of each round, kB. */
  hwmKb: Partial<Record<TargetName, number[]>>;
  /** Time spent waiting for other processes to go quiet, and repeating runs they disturbed. */
  waitedMs: number;
  /** Target rounds that could not finish (a crash, a start-up failure), in words. */
  failures: string[];
}

const proxyCore = "1";
const loadCore = "0";
/**
 * A run during which other processes, or the hypervisor's steal (other VMs on
 * the host), took more than this (% of one core) is repeated once.
 */
const noisyPct = 15;
/**
 * Before a run, wait up to this long for other processes to go quiet. Waits
 * and repeats together get at most `extraBudgetMs` per invocation, so a busy
 * machine still finishes in time (its runs are then flagged, not repeated).
 */
const quietWaitMs = 15_000;
const extraBudgetMs = 75_000;

export async function runProxyBench(o: ProxyOptions): Promise<ProxyResults> {
  const log = o.log ?? console.log;
  await ensureWrk();
  const skipped: ProxyResults["skipped"] = {};
  const targets: TargetName[] = [];
  for (const t of o.targets) {
    const why = await unavailable(t);
    if (why) {
      skipped[t] = why;
      log(`  ${t}: skipped (${why})`);
    } else targets.push(t);
  }
  const { log: _log, dir: _dir, lectrRoot: _root, ...options } = o;
  const res: ProxyResults = { options, skipped, runs: [], discarded: [], streams: [], hwmKb: {}, waitedMs: 0, failures: [] };
  const { mock, mockUrl } = await startMockProcess({ cpus: loadCore, log: join(o.dir, "mock.log") });
  try {
    for (let round = 1; round <= o.rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const name of order) {
        log(`  round ${round}/${o.rounds}: ${name}`);
        try {
          await measureTarget(name, round, { o, mock, mockUrl, res, log });
        } catch (err) {
          const message = `${name} round ${round}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
          res.failures.push(message);
          log(`    FAILED ${message}`);
        }
      }
    }
  } finally {
    await mock.stop();
  }
  return res;
}

interface Ctx {
  o: ProxyOptions;
  mock: Started;
  mockUrl: string;
  res: ProxyResults;
  log: (line: string) => void;
}

async function measureTarget(name: TargetName, round: number, c: Ctx): Promise<void> {
  const { o, mock } = c;
  const direct = name === "direct";
  pin(mock.pid, direct ? proxyCore : loadCore);
  const t = await startTarget(name, { mockUrl: c.mockUrl, mockPid: mock.pid, cpus: proxyCore, dir: o.dir, lectrRoot: o.lectrRoot });
  const db = t.dbPath ? openEvents(t.dbPath) : undefined;
  try {
    // warm-up: JIT, connection pools, the database file; not recorded
    await runWrk({ url: t.url, kind: "json", connections: 16, seconds: o.warmSeconds, headers: t.headers, cpus: loadCore });
    await runWrk({ url: t.url, kind: "sse", connections: 16, seconds: Math.max(1, Math.round(o.warmSeconds / 2)), headers: t.headers, cpus: loadCore });
    for (const kind of ["json", "sse"] as const) {
      for (const connections of o.connections) c.res.runs.push(await measureRun(t, c, db, { round, layout: "capacity", kind, connections, seconds: o.seconds }));
    }
    pin(mock.pid, proxyCore);
    for (const kind of ["json", "sse"] as const) {
      c.res.runs.push(await measureRun(t, c, db, { round, layout: "latency", kind, connections: 1, seconds: o.latencySeconds }));
    }
    if (o.streams > 0) c.res.streams.push(await measureStreams(t, c, db, round));
    (c.res.hwmKb[name] ??= []).push(memory(t.pid).hwmKb);
  } finally {
    db?.close();
    await t.stop();
  }
}

/** Someone else's tests or seeding share this machine: give them a moment to finish before measuring. */
async function waitForQuiet(c: Ctx, ours: number[]): Promise<void> {
  const t0 = performance.now();
  let load = await sampleOtherLoad(ours, 200);
  if (load <= noisyPct || c.res.waitedMs >= extraBudgetMs) return;
  c.log(`      other processes and steal take ${load.toFixed(0)}% of a core: waiting up to ${quietWaitMs / 1000} s`);
  while (load > noisyPct && performance.now() - t0 < quietWaitMs && c.res.waitedMs + (performance.now() - t0) < extraBudgetMs) {
    await Bun.sleep(500);
    load = await sampleOtherLoad(ours);
  }
  c.res.waitedMs += performance.now() - t0;
}

async function resetMock(c: Ctx): Promise<void> {
  await fetch(`${c.mockUrl}/__mock/reset`, { method: "POST" }).then((r) => r.arrayBuffer());
}

async function mockStats(c: Ctx): Promise<MockStats> {
  return (await fetch(`${c.mockUrl}/__mock/stats`)).json() as Promise<MockStats>;
}

async function measureRun(t: Running, c: Ctx, db: ReturnType<typeof openEvents> | undefined, r: RunShape): Promise<RunRecord> {
  const first = await attempt(t, c, db, r);
  if (disturbance(first) <= noisyPct || c.res.waitedMs >= extraBudgetMs) return first;
  c.log(`      disturbed (${[...first.others, `steal ${first.stealPct.toFixed(0)}%`].join(", ")}): repeating`);
  const t0 = performance.now();
  const second = await attempt(t, c, db, r);
  c.res.waitedMs += performance.now() - t0;
  const [kept, dropped] = disturbance(second) < disturbance(first) ? [second, first] : [first, second];
  c.res.discarded.push(dropped);
  return kept;
}

/** What other processes and other VMs took from the machine during a run, % of one core. */
export const disturbance = (r: Pick<RunRecord, "foreignPct" | "stealPct">) => r.foreignPct + r.stealPct;

interface RunShape {
  round: number;
  layout: Layout;
  kind: "json" | "sse";
  connections: number;
  seconds: number;
}

async function attempt(
  t: Running,
  c: Ctx,
  db: ReturnType<typeof openEvents> | undefined,
  r: RunShape,
): Promise<RunRecord> {
  const tree = t.tree();
  const ourPids = [...new Set([...tree, t.pid, c.mock.pid])];
  await waitForQuiet(c, ourPids);
  await resetMock(c);
  const procs0 = processTicks();
  const since = Date.now();
  const same = t.pid === c.mock.pid;
  const p0 = cpuSnapshot(tree);
  const m0 = same ? 0 : cpuMicros(c.mock.pid);
  const s0 = cpuMicros("self", true);
  const k0 = machineTimes();
  const w0 = performance.now();
  const rss = watchRss(t.pid, 100, tree);
  const wrk = await runWrk({ url: t.url, kind: r.kind, connections: r.connections, seconds: r.seconds, headers: t.headers, cpus: "0" });
  const wallMs = performance.now() - w0;
  const { peakKb: rssPeakKb, treePeakKb: treeRssPeakKb } = rss.stop();
  const p1 = cpuSnapshot(tree);
  const treePssKb = tree.reduce((n, pid) => n + pssKb(pid), 0);
  if (!p1.has(t.pid)) throw new Error(`${t.name} (pid ${t.pid}) exited during the ${r.layout} ${r.kind} ×${r.connections} run`);
  const proxyUs = cpuDelta(p0, p1);
  const ours = proxyUs + (same ? 0 : cpuMicros(c.mock.pid) - m0) + (cpuMicros("self", true) - s0);
  const { foreignPct, stealPct } = foreignLoad(k0, machineTimes(), ours, wallMs);
  const others = foreignPct > 5 ? busiestOthers(procs0, processTicks(), new Set([...ourPids, process.pid]), wallMs) : [];
  const ms = await mockStats(c);
  const events = db ? judge(wrk.requests, ms.received, await settleEvents(db, since, wrk.requests)) : undefined;
  const record: RunRecord = {
    target: t.name,
    ...r,
    wrk,
    cpuUsPerRequest: wrk.requests > 0 ? proxyUs / wrk.requests : Number.NaN,
    proxyCpuPct: (proxyUs / ((wrk.stopMs || wallMs) * 1000)) * 100,
    rssPeakKb,
    treeRssPeakKb,
    treePssKb,
    foreignPct,
    stealPct,
    others,
    mock: { received: ms.received, completed: ms.completed },
    events,
    countsMatch: ms.received === wrk.requests && errorCount(wrk) === 0,
  };
  const ev = events ? ` events ${events.pass ? "ok" : `FAIL (${events.problem})`}` : "";
  c.log(
    `    ${r.layout} ${r.kind} c=${r.connections}: ${Math.round(wrk.rps)} req/s p50 ${wrk.latencyUs.p50} µs p99 ${wrk.latencyUs.p99} µs, ${record.cpuUsPerRequest.toFixed(0)} µs CPU/req (${record.proxyCpuPct.toFixed(0)}% core), other load ${foreignPct.toFixed(0)}%, steal ${stealPct.toFixed(0)}%${ev}${record.countsMatch ? "" : ` COUNTS: client ${wrk.requests}, mock ${ms.received}, errors ${errorCount(wrk)}`}`,
  );
  return record;
}

async function measureStreams(t: Running, c: Ctx, db: ReturnType<typeof openEvents> | undefined, round: number): Promise<StreamRecord> {
  const { o } = c;
  await waitForQuiet(c, [...t.tree(), t.pid, c.mock.pid]);
  await resetMock(c);
  const since = Date.now();
  const p = t.paced(o.chunkDelayMs);
  const warm = Math.max(10, Math.round(o.streams / 5));
  const samples = await timeStreams(t.url + p.path, p.headers, o.streams, warm);
  const ms = await mockStats(c);
  const expected = o.streams + warm;
  const events = db ? judge(expected, ms.received, await settleEvents(db, since, expected)) : undefined;
  const first = samples.map((s) => s.firstMs * 1000);
  const done = samples.map((s) => s.doneMs * 1000);
  const rec: StreamRecord = {
    target: t.name,
    round,
    n: samples.length,
    firstUs: { p50: percentile(first, 50), p99: percentile(first, 99) },
    doneUs: { p50: percentile(done, 50), p99: percentile(done, 99) },
    events,
  };
  c.log(`    streams: first chunk p50 ${rec.firstUs.p50.toFixed(0)} µs, [DONE] p50 ${rec.doneUs.p50.toFixed(0)} µs${events ? ` events ${events.pass ? "ok" : `FAIL (${events.problem})`}` : ""}`);
  return rec;
}
