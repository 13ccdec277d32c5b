/**
 * Soak: Lectr under steady load at half of its measured maximum, half JSON
 * and half SSE requests, for a while (5 minutes by default), watching its
 * memory. RSS "start" is sampled once the soak has run 10 % of its time
 * (at least 5 s, so the first allocations are done); growth is end vs start,
 * plus the least-squares slope over the second half. One event per request
 * is checked at the end.
 *
 * `bun bench/soak.ts [--seconds 300] [--rate R]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judge, openEvents, settleEvents, type EventCheck } from "./lib/events-check.ts";
import { pin } from "./lib/proc.ts";
import { cpuDelta, cpuSnapshot, memory, watchRss } from "./lib/procfs.ts";
import { fmtInt, fmtMb, fmtUs, slope, table } from "./lib/stats.ts";
import { startMockProcess, startTarget, type TargetName } from "./lib/targets.ts";
import { ensureWrk, errorCount, runWrk, type WrkResult } from "./lib/wrk.ts";
import { option } from "./lib/args.ts";
import type { MockStats } from "./mock.ts";

export interface SoakResult {
  target: TargetName;
  seconds: number;
  maxJson: number;
  maxSse: number;
  rate: number;
  achieved: number;
  json: WrkResult;
  sse: WrkResult;
  cpuPct: number;
  rssAfterWarmKb: number;
  rssStartKb: number;
  rssEndKb: number;
  rssPeakKb: number;
  growthPct: number;
  slopeMbPerMin: number;
  events: EventCheck;
  errors: number;
}

export async function runSoak(o: { seconds: number; rate?: number; target?: TargetName; dir: string; lectrRoot?: string; log?: (l: string) => void }): Promise<SoakResult> {
  const log = o.log ?? console.log;
  await ensureWrk();
  const target = o.target ?? "lectr";
  const { mock, mockUrl } = await startMockProcess({ cpus: "0", log: join(o.dir, "soak-mock.log") });
  const t = await startTarget(target, { mockUrl, mockPid: mock.pid, cpus: "1", dir: o.dir, lectrRoot: o.lectrRoot });
  const db = openEvents(t.dbPath!);
  try {
    const base = { url: t.url, headers: t.headers, cpus: "0", connections: 16 };
    await runWrk({ ...base, kind: "json", seconds: 2 });
    await runWrk({ ...base, kind: "sse", seconds: 1 });
    const maxJson = (await runWrk({ ...base, kind: "json", seconds: 3 })).rps;
    const maxSse = (await runWrk({ ...base, kind: "sse", seconds: 3 })).rps;
    // half of the maximum for an even mix: each request type takes its share of the core
    const rate = o.rate ?? Math.round(0.5 * (2 / (1 / maxJson + 1 / maxSse)));
    log(`  max ${fmtInt(maxJson)} JSON/s, ${fmtInt(maxSse)} SSE/s → soak at ${fmtInt(rate)} req/s (half JSON, half SSE) for ${o.seconds} s`);
    await Bun.sleep(1_000);
    await fetch(`${mockUrl}/__mock/reset`, { method: "POST" });
    const rssAfterWarmKb = memory(t.pid).rssKb;
    const since = Date.now();
    const tree = t.tree();
    const c0 = cpuSnapshot(tree);
    const rss = watchRss(t.pid, 1_000, tree);
    const soak = { ...base, connections: 8, seconds: o.seconds, tailMs: 1_000 };
    const [json, sse] = await Promise.all([runWrk({ ...soak, kind: "json", rate: rate / 2 }), runWrk({ ...soak, kind: "sse", rate: rate / 2 })]);
    const { samples, peakKb } = rss.stop();
    const cpuPct = (cpuDelta(c0, cpuSnapshot(tree)) / (o.seconds * 1e6)) * 100;
    const ms = (await (await fetch(`${mockUrl}/__mock/stats`)).json()) as MockStats;
    const expected = json.requests + sse.requests;
    const events = judge(expected, ms.received, await settleEvents(db, since, expected, 15_000));
    const startAt = Math.max(5_000, o.seconds * 100);
    const startSample = samples.find((s) => s.t >= startAt) ?? samples[0]!;
    const end = samples[samples.length - 1]!;
    const secondHalf = samples.filter((s) => s.t >= (o.seconds * 1000) / 2).map((s) => ({ x: s.t / 60_000, y: s.rssKb / 1024 }));
    return {
      target,
      seconds: o.seconds,
      maxJson,
      maxSse,
      rate,
      achieved: json.rps + sse.rps,
      json,
      sse,
      cpuPct,
      rssAfterWarmKb,
      rssStartKb: startSample.rssKb,
      rssEndKb: end.rssKb,
      rssPeakKb: peakKb,
      growthPct: ((end.rssKb - startSample.rssKb) / startSample.rssKb) * 100,
      slopeMbPerMin: slope(secondHalf),
      events,
      errors: errorCount(json) + errorCount(sse),
    };
  } finally {
    db.close();
    await t.stop();
    await mock.stop();
  }
}

export function soakReport(r: SoakResult): string {
  const dur = r.seconds >= 120 ? `${(r.seconds / 60).toFixed(r.seconds % 60 ? 1 : 0)} min` : `${r.seconds} s`;
  return table(
    ["target", "duration", "rate (target → achieved)", "JSON p50 / p99", "SSE p50 / p99", "Lectr CPU", "RSS after warm-up", "RSS start → end (peak)", "growth", "slope 2nd half", "errors", "one event each"],
    [
      [
        r.target,
        dur,
        `${fmtInt(r.rate)} → ${fmtInt(r.achieved)} req/s`,
        `${fmtUs(r.json.latencyUs.p50)} / ${fmtUs(r.json.latencyUs.p99)}`,
        `${fmtUs(r.sse.latencyUs.p50)} / ${fmtUs(r.sse.latencyUs.p99)}`,
        `${r.cpuPct.toFixed(0)}%`,
        fmtMb(r.rssAfterWarmKb),
        `${fmtMb(r.rssStartKb)} → ${fmtMb(r.rssEndKb)} (${fmtMb(r.rssPeakKb)})`,
        `**${r.growthPct >= 0 ? "+" : ""}${r.growthPct.toFixed(1)}%** ${r.growthPct < 10 ? "✅" : "❌"}`,
        `${r.slopeMbPerMin >= 0 ? "+" : ""}${r.slopeMbPerMin.toFixed(2)} MB/min`,
        String(r.errors),
        r.events.pass ? `✅ ${fmtInt(r.events.events.total)}` : `❌ ${r.events.problem}`,
      ],
    ],
  );
}

if (import.meta.main) {
  pin(process.pid, "0");
  const dir = mkdtempSync(join(tmpdir(), "lectr-soak-"));
  try {
    const r = await runSoak({ seconds: Number(option("seconds") ?? 300), rate: option("rate") ? Number(option("rate")) : undefined, dir });
    console.log(`\n${soakReport(r)}`);
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`failed; logs kept in ${dir}`);
    throw err;
  }
}
