/**
 * `npm run bench:threads`: where each target's CPU goes, thread by thread,
 * and how many system calls its main thread makes per request. Capacity
 * layout (target alone on core 1, mock and wrk on core 0), rounds alternating
 * the order of the targets, medians over rounds. System calls are counted
 * with `perf stat` tracepoints when perf can attach; otherwise that column
 * says why it is empty.
 *
 * Then the latency layout (target and mock on core 1, one connection): its
 * p50/p99, and from `perf sched` which of the target's threads held the
 * shared core, and how often for 1 ms or more: what a request waiting for
 * the core waited behind.
 *
 * And where each target's resident memory is (its executable's pages,
 * anonymous memory, libSQL's engine, other files): idle, after 64-connection
 * load, and its peak.
 *
 *   bun bench/threads.ts [--targets lectr,bun-floor] [--rounds 3] [--seconds 5] [--connections 16]
 */
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pin, run, stopAll } from "./lib/proc.ts";
import { clockTicks, memory } from "./lib/procfs.ts";
import { fmtInt, fmtMb, median, table } from "./lib/stats.ts";
import { startMockProcess, startTarget, type TargetName } from "./lib/targets.ts";
import { parsePerfStat, parseSmaps, parseTimehist, perRequest, syscallEvents, threadGroups, threadTimes, type CoreHolds, type MemoryParts, type SyscallName, type ThreadGroup } from "./lib/threads.ts";
import { option } from "./lib/args.ts";
import { ensureWrk, runWrk } from "./lib/wrk.ts";

const targets = (option("targets") ?? "lectr,bun-floor").split(",") as TargetName[];
const rounds = Number(option("rounds") ?? 3);
const seconds = Number(option("seconds") ?? 5);
const connections = Number(option("connections") ?? 16);
const kinds = ["json", "sse"] as const;
const shown: SyscallName[] = ["total", "sendto", "recvfrom", "write", "futex", "epoll"];
/** perf sched records the middle of each latency run: 1 s in, and 1 s before its end. */
const schedSeconds = Math.max(1, seconds - 2);

interface Hold {
  p50: number;
  p99: number;
  /** Undefined when perf could not record. */
  core?: CoreHolds;
}

interface Memory {
  idle: MemoryParts;
  loaded: MemoryParts;
  peakKb: number;
}

interface Sample {
  rps: number;
  cpu: Record<ThreadGroup, number>;
  /** Main thread's system calls per request; undefined when perf could not count. */
  calls?: Partial<Record<SyscallName, number>>;
}

await ensureWrk();
pin(process.pid, "0");
const perfProblem = await checkPerf();
const dir = mkdtempSync(join(tmpdir(), "lectr-threads-"));
const samples = new Map<string, Sample[]>();
const holds = new Map<string, Hold[]>();
const memories = new Map<string, Memory[]>();
const { mock, mockUrl } = await startMockProcess({ cpus: "0", log: join(dir, "mock.log") });
try {
  for (let round = 1; round <= rounds; round++) {
    for (const name of round % 2 === 1 ? targets : [...targets].reverse()) {
      console.log(`round ${round}/${rounds}: ${name}`);
      const t = await startTarget(name, { mockUrl, mockPid: mock.pid, cpus: "1", dir });
      try {
        await Bun.sleep(1000);
        const idle = memoryParts(t.pid);
        // warm-up: the JIT, connection pools, the database file
        for (const kind of kinds) await runWrk({ url: t.url, kind, connections, seconds: 3, headers: t.headers, cpus: "0" });
        for (const kind of kinds) {
          const s = await measure(t.pid, () => runWrk({ url: t.url, kind, connections, seconds, headers: t.headers, cpus: "0" }));
          const key = `${name}\u0000${kind}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
        }
        for (const kind of kinds) await runWrk({ url: t.url, kind, connections: 64, seconds: 3, headers: t.headers, cpus: "0" });
        memories.set(name, [...(memories.get(name) ?? []), { idle, loaded: memoryParts(t.pid), peakKb: memory(t.pid).hwmKb }]);
        pin(mock.pid, "1");
        try {
          holds.set(name, [...(holds.get(name) ?? []), await latency(t.pid, t.url, t.headers)]);
        } finally {
          pin(mock.pid, "0");
        }
      } finally {
        await t.stop();
      }
    }
  }
} finally {
  await mock.stop();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}

console.log(report());

async function measure(pid: number, load: () => ReturnType<typeof runWrk>): Promise<Sample> {
  const out = join(dir, `perf-${pid}-${Date.now()}.csv`);
  const events = Object.values(syscallEvents).join(",");
  const perf = perfProblem ? undefined : Bun.spawn(["perf", "stat", "--per-thread", "-x,", "-e", events, "-o", out, "-p", String(pid)], { stdout: "ignore", stderr: "ignore" });
  const before = threadTimes(pid);
  const w = await load();
  const after = threadTimes(pid);
  let calls: Sample["calls"];
  if (perf) {
    perf.kill("SIGINT");
    await perf.exited;
    const text = existsSync(out) ? readFileSync(out, "utf8") : "";
    const main = parsePerfStat(text).get(pid);
    // perf could not attach to this process: no counts rather than zeros
    calls = main && Object.fromEntries(Object.entries(main).map(([k, v]) => [k, v / w.requests]));
  }
  return { rps: w.rps, cpu: perRequest(before, after, w.requests, 1e6 / clockTicks), calls };
}

function memoryParts(pid: number): MemoryParts {
  return parseSmaps(readFileSync(`/proc/${pid}/smaps`, "utf8"), readlinkSync(`/proc/${pid}/exe`));
}

/** One connection, JSON, target and mock sharing core 1; perf sched records that core for the middle of the run. */
async function latency(pid: number, url: string, headers: Record<string, string>): Promise<Hold> {
  const out = join(dir, `sched-${pid}-${Date.now()}.data`);
  const wrk = runWrk({ url, kind: "json", connections: 1, seconds, headers, cpus: "0" });
  await Bun.sleep(1000);
  const rec = perfProblem ? undefined : await run(["perf", "sched", "record", "-C", "1", "-o", out, "--", "sleep", String(schedSeconds)]);
  const w = await wrk;
  let core: CoreHolds | undefined;
  if (rec?.code === 0) {
    const hist = await run(["perf", "sched", "timehist", "-i", out]);
    if (hist.code === 0) core = parseTimehist(hist.stdout, pid, 1);
  }
  rmSync(out, { force: true });
  return { p50: w.latencyUs.p50, p99: w.latencyUs.p99, core };
}

/** Why perf cannot count system calls here, or undefined when it can. */
async function checkPerf(): Promise<string | undefined> {
  try {
    const r = await run(["perf", "stat", "-x,", "-e", syscallEvents.total, "--", "true"]);
    if (r.code !== 0 || !r.stderr.includes(syscallEvents.total) || r.stderr.includes("<not supported>")) return `perf cannot count tracepoints here (${r.stderr.trim().split("\n")[0] || `exit ${r.code}`})`;
    return undefined;
  } catch {
    return "perf is not installed (apt-get install linux-perf)";
  }
}

function report(): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");
  const rows: string[][] = [];
  for (const name of targets) {
    for (const kind of kinds) {
      const s = samples.get(`${name}\u0000${kind}`) ?? [];
      if (s.length === 0) continue;
      const cpu = (g: ThreadGroup) => median(s.map((x) => x.cpu[g]));
      const total = median(s.map((x) => threadGroups.reduce((n, g) => n + x.cpu[g], 0)));
      const counted = s.filter((x) => x.calls !== undefined);
      const calls = counted.length > 0 ? shown.map((c) => median(counted.map((x) => x.calls![c] ?? 0)).toFixed(2)).join(" / ") : "–";
      rows.push([name, `${kind.toUpperCase()} ×${connections}`, fmtInt(median(s.map((x) => x.rps))), fmt(total), ...threadGroups.map((g) => fmt(cpu(g))), calls]);
    }
  }
  const header = ["target", "load", "req/s", "CPU µs/req", "main", "fetch (HTTP Client)", "event writer", "JIT", "other", `main thread calls/req (${shown.join(" / ")})`];
  const lines = [
    `Per-thread CPU at saturation, target alone on core 1: medians of ${rounds} rounds of ${seconds} s (after 3 s + 3 s of warm-up), µs per request.`,
    "",
    table(header, rows),
  ];
  if (perfProblem) lines.push("", `System calls not counted: ${perfProblem}.`);
  const holdRows: string[][] = [];
  for (const name of targets) {
    const h = holds.get(name) ?? [];
    if (h.length === 0) continue;
    const recorded = h.filter((x) => x.core !== undefined);
    const per = (f: (c: CoreHolds, g: ThreadGroup) => number) =>
      threadGroups.map((g) => (recorded.length > 0 ? median(recorded.map((x) => f(x.core!, g) / schedSeconds)).toFixed(1) : "–"));
    holdRows.push([name, `${fmtInt(median(h.map((x) => x.p50)))} µs`, `${fmtInt(median(h.map((x) => x.p99)))} µs`, ...per((c, g) => c.long[g]), ...per((c, g) => c.runMs[g] / 10)]);
  }
  lines.push(
    "",
    `Latency layout, JSON at 1 connection, target and mock sharing core 1 (${seconds} s per round, medians). Stretches of ≥ 1 ms that each group of the target's threads held the core without a switch, per second, and each group's share of the core (perf sched over the middle ${schedSeconds} s).`,
    "",
    table(["target", "p50", "p99", ...threadGroups.map((g) => `≥ 1 ms/s ${g}`), ...threadGroups.map((g) => `core % ${g}`)], holdRows),
  );
  const parts = (m: MemoryParts[]) => {
    const p = (k: keyof MemoryParts) => median(m.map((x) => x[k]));
    return `${fmtMb(p("binary") + p("anon") + p("libsql") + p("files"))}: ${fmtMb(p("binary"))} / ${fmtMb(p("anon"))} / ${fmtMb(p("libsql"))} / ${fmtMb(p("files"))}`;
  };
  const memRows = targets.flatMap((name) => {
    const m = memories.get(name) ?? [];
    return m.length === 0 ? [] : [[name, parts(m.map((x) => x.idle)), parts(m.map((x) => x.loaded)), fmtMb(median(m.map((x) => x.peakKb)))]];
  });
  lines.push(
    "",
    "Resident memory of the serving process (medians): idle 1 s after start, and right after the 64-connection runs (JSON and SSE, 3 s each), split as executable / anonymous (heaps, stacks, buffers) / libSQL's engine / other files; the peak is VmHWM.",
    "",
    table(["target", "idle", "after 64 connections", "peak"], memRows),
  );
  return lines.join("\n");
}
