/**
 * Turns the proxy benchmark's records into markdown: capacity, latency,
 * streams, the ratios and the targets. Each row shows one run (the
 * best round: highest req/s for capacity, lowest p50 for latency and
 * streams), never a mix of rounds. Pure.
 */
import type { ProxyResults, RunRecord, StreamRecord } from "../proxy.ts";
import type { TargetName } from "./targets.ts";
import { fmtInt, fmtMb, fmtRatio, fmtUs, table } from "./stats.ts";

const order: TargetName[] = ["direct", "bun-hop", "bun-floor", "node-hop", "lectr", "lectr-bin", "portkey"];
const lectrs: TargetName[] = ["lectr", "lectr-bin"];
export const goals = { vsPortkey: 20, vsNodeHop: 1.5, vsBunHop: 0.7, addedP50Us: 150, addedP99Us: 1000, firstChunkUs: 200, rss64Mb: 80 };

type Kind = "json" | "sse";

export function bestRun(runs: RunRecord[], target: TargetName, layout: RunRecord["layout"], kind: Kind, connections: number): { best: RunRecord; all: RunRecord[] } | undefined {
  const all = runs.filter((r) => r.target === target && r.layout === layout && r.kind === kind && r.connections === connections);
  if (all.length === 0) return undefined;
  const better = layout === "capacity" ? (a: RunRecord, b: RunRecord) => (a.wrk.rps >= b.wrk.rps ? a : b) : (a: RunRecord, b: RunRecord) => (a.wrk.latencyUs.p50 <= b.wrk.latencyUs.p50 ? a : b);
  return { best: all.reduce(better), all };
}

export function bestStreams(streams: StreamRecord[], target: TargetName): StreamRecord | undefined {
  const all = streams.filter((s) => s.target === target);
  return all.length ? all.reduce((a, b) => (a.firstUs.p50 <= b.firstUs.p50 ? a : b)) : undefined;
}

function check(r: RunRecord | StreamRecord): string {
  if ("events" in r && r.events) return r.events.pass ? `✅ ${fmtInt(r.events.events.total)} events` : `❌ ${r.events.problem}`;
  if ("countsMatch" in r) return r.countsMatch ? "✅" : `❌ client ${r.wrk.requests} / mock ${r.mock.received}`;
  return "";
}

const present = (res: ProxyResults) => order.filter((t) => res.runs.some((r) => r.target === t));
const noisy = (r: RunRecord) => (r.foreignPct + r.stealPct > 5 ? ` ⚠${(r.foreignPct + r.stealPct).toFixed(0)}%` : "");

export function capacityTable(res: ProxyResults): string {
  const rows: string[][] = [];
  for (const t of present(res)) {
    for (const kind of ["json", "sse"] as const) {
      for (const c of res.options.connections) {
        const b = bestRun(res.runs, t, "capacity", kind, c);
        if (!b) continue;
        const r = b.best;
        const others = b.all.filter((x) => x !== r).map((x) => fmtInt(x.wrk.rps));
        rows.push([
          t,
          `${kind.toUpperCase()} ×${c}`,
          `**${fmtInt(r.wrk.rps)}**${noisy(r)}`,
          others.join(", ") || "–",
          fmtUs(r.wrk.latencyUs.p50),
          fmtUs(r.wrk.latencyUs.p99),
          fmtUs(r.wrk.latencyUs.p999),
          r.cpuUsPerRequest.toFixed(1),
          `${Math.min(100, r.proxyCpuPct).toFixed(0)}%`,
          fmtMb(r.rssPeakKb),
          check(r),
        ]);
      }
    }
  }
  return table(["target", "load", "req/s (best)", "other rounds", "p50", "p99", "p99.9", "CPU µs/req", "proxy core", "RSS peak", "check"], rows);
}

export function latencyTable(res: ProxyResults): string {
  const rows: string[][] = [];
  for (const kind of ["json", "sse"] as const) {
    const base = bestRun(res.runs, "direct", "latency", kind, 1)?.best;
    for (const t of present(res)) {
      const r = bestRun(res.runs, t, "latency", kind, 1)?.best;
      if (!r) continue;
      const added = (p: "p50" | "p99") => (base && t !== "direct" ? fmtUs(r.wrk.latencyUs[p] - base.wrk.latencyUs[p]) : "–");
      rows.push([t, kind.toUpperCase(), fmtUs(r.wrk.latencyUs.p50), fmtUs(r.wrk.latencyUs.p99), fmtUs(r.wrk.latencyUs.p999), `**${added("p50")}**`, added("p99"), `${fmtInt(r.wrk.rps)}${noisy(r)}`, check(r)]);
    }
  }
  return table(["target", "body", "p50", "p99", "p99.9", "added p50", "added p99", "req/s", "check"], rows);
}

export function streamsTable(res: ProxyResults): string {
  const base = bestStreams(res.streams, "direct");
  const rows: string[][] = [];
  for (const t of order) {
    const s = bestStreams(res.streams, t);
    if (!s) continue;
    const over = (v: number, b: number | undefined) => (b !== undefined && t !== "direct" ? fmtUs(v - b) : "–");
    rows.push([t, fmtUs(s.firstUs.p50), fmtUs(s.firstUs.p99), `**${over(s.firstUs.p50, base?.firstUs.p50)}**`, fmtUs(s.doneUs.p50), over(s.doneUs.p50, base?.doneUs.p50), check(s)]);
  }
  return table(["target", "first chunk p50", "first chunk p99", "first-chunk overhead p50", "[DONE] p50", "[DONE] overhead p50", "check"], rows);
}

export function ratio(res: ProxyResults, a: TargetName, b: TargetName, kind: Kind, c: number): number {
  const x = bestRun(res.runs, a, "capacity", kind, c)?.best.wrk.rps;
  const y = bestRun(res.runs, b, "capacity", kind, c)?.best.wrk.rps;
  return x !== undefined && y ? x / y : Number.NaN;
}

const fmtPlain = (r: number) => (Number.isNaN(r) ? "–" : `${r.toFixed(2)}×`);

export function ratiosTable(res: ProxyResults): string {
  const rows: string[][] = [];
  for (const l of lectrs.filter((t) => res.runs.some((r) => r.target === t))) {
    for (const kind of ["json", "sse"] as const) {
      for (const c of res.options.connections) {
        const rps = (t: TargetName) => fmtInt(bestRun(res.runs, t, "capacity", kind, c)?.best.wrk.rps ?? Number.NaN);
        rows.push([
          l,
          `${kind.toUpperCase()} ×${c}`,
          rps(l),
          rps("portkey"),
          rps("node-hop"),
          rps("bun-hop"),
          fmtRatio(ratio(res, l, "portkey", kind, c), goals.vsPortkey),
          fmtRatio(ratio(res, l, "node-hop", kind, c), goals.vsNodeHop),
          fmtRatio(ratio(res, l, "bun-hop", kind, c), goals.vsBunHop),
          rps("bun-floor"),
          fmtPlain(ratio(res, l, "bun-floor", kind, c)),
          fmtPlain(ratio(res, "bun-floor", "bun-hop", kind, c)),
        ]);
      }
    }
  }
  return table(["", "load", "req/s", "portkey", "node-hop", "bun-hop", `lectr/portkey (≥ ${goals.vsPortkey}×)`, `lectr/node-hop (≥ ${goals.vsNodeHop}×)`, `lectr/bun-hop (≥ ${goals.vsBunHop}×)`, "bun-floor", "lectr/bun-floor", "bun-floor/bun-hop"], rows);
}

/** Every event check of the run, discarded repeats included: "N of M passed" and the failures. */
export function eventChecks(res: ProxyResults): { passed: number; total: number; failures: string[] } {
  const failures: string[] = [];
  let passed = 0;
  let total = 0;
  const all: (RunRecord | StreamRecord)[] = [...res.runs, ...res.discarded, ...res.streams];
  for (const r of all) {
    if (!r.events) continue;
    total++;
    if (r.events.pass) passed++;
    else {
      const what = "layout" in r ? `${r.layout} ${r.kind} ×${r.connections}` : "paced streams";
      failures.push(`${r.target} round ${r.round}, ${what}: ${r.events.problem}`);
    }
  }
  return { passed, total, failures };
}

/** The targets for one Lectr target, each with its measured value. */
export function goalsTable(res: ProxyResults, l: TargetName): string {
  const rows: string[][] = [];
  const cap = (kind: Kind, c: number) => bestRun(res.runs, l, "capacity", kind, c)?.best;
  for (const [peer, goal] of [["portkey", goals.vsPortkey], ["node-hop", goals.vsNodeHop], ["bun-hop", goals.vsBunHop]] as const) {
    const values = res.options.connections.filter((c) => c > 1).flatMap((c) => (["json", "sse"] as const).map((k) => ({ k, c, v: ratio(res, l, peer, k, c) })));
    const worst = values.reduce((a, b) => (Number.isNaN(b.v) || b.v >= a.v ? a : b), { k: "json" as Kind, c: 0, v: Number.POSITIVE_INFINITY });
    const known = values.filter((x) => !Number.isNaN(x.v));
    rows.push([`throughput ≥ ${goal}× ${peer} (16 and 64 connections, JSON and SSE)`, known.length ? `worst ${worst.v.toFixed(2)}× (${worst.k.toUpperCase()} ×${worst.c})` : "not measured", known.length ? (known.every((x) => x.v >= goal) ? "✅" : "❌") : "–"]);
  }
  for (const kind of ["json", "sse"] as const) {
    const r = bestRun(res.runs, l, "latency", kind, 1)?.best;
    const d = bestRun(res.runs, "direct", "latency", kind, 1)?.best;
    if (!r || !d) continue;
    const p50 = r.wrk.latencyUs.p50 - d.wrk.latencyUs.p50;
    const p99 = r.wrk.latencyUs.p99 - d.wrk.latencyUs.p99;
    rows.push([`added latency ${kind.toUpperCase()} at 1 connection: p50 ≤ ${goals.addedP50Us} µs`, fmtUs(p50), p50 <= goals.addedP50Us ? "✅" : "❌"]);
    rows.push([`added latency ${kind.toUpperCase()} at 1 connection: p99 ≤ 1 ms`, fmtUs(p99), p99 <= goals.addedP99Us ? "✅" : "❌"]);
  }
  const s = bestStreams(res.streams, l);
  const sd = bestStreams(res.streams, "direct");
  if (s && sd) {
    const o = s.firstUs.p50 - sd.firstUs.p50;
    rows.push([`stream first-chunk overhead p50 ≤ ${goals.firstChunkUs} µs`, fmtUs(o), o <= goals.firstChunkUs ? "✅" : "❌"]);
  }
  const at64 = (["json", "sse"] as const).map((k) => cap(k, 64)).filter((r) => r !== undefined);
  if (at64.length > 0) {
    const rss = Math.max(...at64.map((r) => r.rssPeakKb));
    const tree = Math.max(...at64.map((r) => r.treeRssPeakKb));
    const pss = Math.max(...at64.map((r) => r.treePssKb));
    const parent = tree > rss * 1.05 ? `; all its processes ${fmtMb(tree)} RSS, ${fmtMb(pss)} PSS` : "";
    rows.push([`RSS ≤ ${goals.rss64Mb} MB at 64 connections`, `serving process ${fmtMb(rss)}${parent}`, rss / 1024 <= goals.rss64Mb ? "✅" : "❌"]);
  }
  const own = { ...res, runs: res.runs.filter((r) => r.target === l), discarded: res.discarded.filter((r) => r.target === l), streams: res.streams.filter((r) => r.target === l) };
  const ev = eventChecks(own);
  rows.push(["exactly one event per request, every load run", `${ev.passed} of ${ev.total} runs exact`, ev.total > 0 && ev.passed === ev.total ? "✅" : "❌"]);
  return table([`target (${l})`, "measured", ""], rows);
}
