/**
 * Many open streams through Lectr: N slow streams (paced mock) opened at
 * once by a separate client process; Lectr's RSS peak, whether every stream
 * completed with every event, how many were really open upstream at once
 * (the mock's peak), and exactly one event per stream.
 *
 * Bun's fetch runs at most 256 requests at a time unless
 * BUN_CONFIG_MAX_HTTP_REQUESTS is set when the process starts (Lectr sets it
 * by relaunching itself since 4fc6e3d). The serving process's environment
 * says which cap applied. Variants:
 *   as shipped   Lectr's own environment
 *   cap lifted   BUN_CONFIG_MAX_HTTP_REQUESTS=65000 given by the harness; run
 *                only when "as shipped" queued upstream calls at a lower cap
 * With the cap lifted each stream holds 2 sockets in Lectr, so N is capped
 * by the open-files limit (the report says so).
 *
 * `bun bench/streams.ts [--streams N] [--variant auto|shipped|lifted|both]`
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judge, openEvents, settleEvents, type EventCheck } from "./lib/events-check.ts";
import { cleanEnv, pin, start, waitForLine } from "./lib/proc.ts";
import { memory, processEnv } from "./lib/procfs.ts";
import { fmtInt, fmtMb, table } from "./lib/stats.ts";
import type { StreamsClientResult } from "./lib/streams-client.ts";
import { root, startMockProcess, startTarget, type TargetName } from "./lib/targets.ts";
import { option } from "./lib/args.ts";
import type { MockStats } from "./mock.ts";

export type Variant = "shipped" | "lifted";

export interface StreamsResult {
  variant: Variant;
  target: TargetName;
  requested: number;
  n: number;
  /** Bun's fetch concurrency in the serving process (256 when nothing set it). */
  fetchCap: number;
  note?: string;
  chunkDelayMs: number;
  client: StreamsClientResult;
  rssBeforeKb: number;
  rssPeakKb: number;
  fdPeak: number;
  mockPeakInflight: number;
  events: EventCheck;
}

const maxHttpRequests = "65000";

function openFilesLimit(pid: number): number {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  return m ? Number(m[1]) : 1024;
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

export async function runStreams(o: { variant: Variant; n: number; chunkDelayMs?: number; target?: TargetName; dir: string; lectrRoot?: string; timeoutMs?: number; log?: (l: string) => void }): Promise<StreamsResult> {
  const log = o.log ?? console.log;
  const target = o.target ?? "lectr";
  const { mock, mockUrl } = await startMockProcess({ cpus: "0", log: join(o.dir, `streams-${o.variant}-mock.log`) });
  // every stream comes from one loopback address, all opened at once: more than the per-address cap
  const lectrEnv: Record<string, string> = {
    LECTR_MAX_CONNECTIONS_PER_ADDRESS: "0",
    ...(o.variant === "lifted" ? { BUN_CONFIG_MAX_HTTP_REQUESTS: maxHttpRequests } : {}),
  };
  const t = await startTarget(target, { mockUrl, mockPid: mock.pid, cpus: "1", dir: o.dir, lectrEnv, lectrRoot: o.lectrRoot });
  const db = openEvents(t.dbPath!);
  try {
    const fetchCap = Number(processEnv(t.pid, "BUN_CONFIG_MAX_HTTP_REQUESTS") ?? 256);
    // a socket per stream from the client, and one upstream per stream up to the fetch cap
    const limit = openFilesLimit(t.pid);
    const room = limit - fdCount(t.pid) - 64;
    const fits = fetchCap >= room / 2 ? Math.floor(room / 2) : room - fetchCap;
    const n = Math.min(o.n, fits);
    const note = n < o.n ? `${fmtInt(n)} instead of ${fmtInt(o.n)}: the open-files limit here is ${fmtInt(limit)} (hard, cannot be raised in this container) and Lectr needs ${fetchCap >= room / 2 ? "2 sockets per stream" : `1 socket per stream plus ${fetchCap}`}` : undefined;
    if (note) log(`    ${note}`);
    // slow streams (~10 s, so all are open at once while the last ones connect) when nothing caps them; faster ones when they queue at the cap, so the queue drains in ~30 s
    const chunkDelayMs = o.chunkDelayMs ?? (fetchCap >= n ? 500 : 25);
    const since = Date.now();
    const rssBeforeKb = memory(t.pid).rssKb;
    let rssPeakKb = rssBeforeKb;
    let fdPeak = 0;
    let polls = 0;
    const timer = setInterval(() => {
      rssPeakKb = Math.max(rssPeakKb, memory(t.pid).rssKb);
      // counting 20,000 descriptors is not free: every 5th tick
      if (polls++ % 5 === 0) fdPeak = Math.max(fdPeak, fdCount(t.pid));
    }, 100);
    const paced = t.paced(chunkDelayMs);
    const client = start({
      name: "streams-client",
      cmd: [process.execPath, join(root, "bench/lib/streams-client.ts")],
      cpus: "0",
      cwd: root,
      env: cleanEnv({
        BUN_CONFIG_MAX_HTTP_REQUESTS: maxHttpRequests,
        STREAMS_URL: t.url + paced.path,
        STREAMS_HEADERS: JSON.stringify(paced.headers),
        STREAMS_N: String(n),
        STREAMS_TIMEOUT_MS: String(o.timeoutMs ?? 300_000),
      }),
      log: join(o.dir, `streams-${o.variant}-client.log`),
    });
    const line = await waitForLine(client, /^STREAMS_RESULT (.*)$/m, (o.timeoutMs ?? 300_000) + 30_000);
    await client.stop();
    clearInterval(timer);
    const ms = (await (await fetch(`${mockUrl}/__mock/stats`)).json()) as MockStats;
    const result = JSON.parse(line) as StreamsClientResult;
    const events = judge(n, ms.received, await settleEvents(db, since, n, 15_000));
    return { variant: o.variant, target, requested: o.n, n, fetchCap, note, chunkDelayMs, client: result, rssBeforeKb, rssPeakKb, fdPeak, mockPeakInflight: ms.peakInflight, events };
  } finally {
    db.close();
    await t.stop();
    await mock.stop();
  }
}

export type StreamsVariantChoice = "auto" | "shipped" | "lifted" | "both";

/** "auto": as shipped, then lifted only if as shipped queued upstream calls below N. */
export async function runStreamVariants(o: { variant: StreamsVariantChoice; n: number; dir: string; lectrRoot?: string; log?: (l: string) => void }): Promise<StreamsResult[]> {
  const out: StreamsResult[] = [];
  const shipped = o.variant === "lifted" ? undefined : await runStreams({ ...o, variant: "shipped" });
  if (shipped) out.push(shipped);
  const lift = o.variant === "lifted" || o.variant === "both" || (o.variant === "auto" && shipped !== undefined && shipped.fetchCap < shipped.n);
  if (lift) out.push(await runStreams({ ...o, variant: "lifted" }));
  return out;
}

export function streamsReport(results: StreamsResult[]): string {
  return table(
    ["variant", "streams", "fetch cap", "chunk every", "open upstream at once (mock peak)", "Lectr RSS before → peak", "Lectr fds peak", "completed", "events per stream", "first chunk p50 / p99", "all done in", "one event each"],
    results.map((r) => [
      r.variant === "shipped" ? "as shipped" : "fetch cap lifted",
      `${fmtInt(r.n)}${r.note ? " ⚠" : ""}`,
      fmtInt(r.fetchCap),
      `${r.chunkDelayMs} ms`,
      fmtInt(r.mockPeakInflight),
      `${fmtMb(r.rssBeforeKb)} → **${fmtMb(r.rssPeakKb)}**`,
      fmtInt(r.fdPeak),
      r.client.failed === 0 ? `✅ ${fmtInt(r.client.completed)}` : `❌ ${fmtInt(r.client.completed)} (${JSON.stringify(r.client.failures)})`,
      Object.entries(r.client.eventsPerStream)
        .map(([k, v]) => `${k}: ${fmtInt(v)}`)
        .join(", "),
      `${r.client.firstChunkP50Ms.toFixed(0)} / ${r.client.firstChunkP99Ms.toFixed(0)} ms`,
      `${(r.client.totalMs / 1000).toFixed(1)} s`,
      r.events.pass ? "✅" : `❌ ${r.events.problem}`,
    ]),
  );
}

if (import.meta.main) {
  pin(process.pid, "0");
  const dir = mkdtempSync(join(tmpdir(), "lectr-streams-"));
  try {
    const out = await runStreamVariants({ variant: (option("variant") ?? "auto") as StreamsVariantChoice, n: Number(option("streams") ?? 10_000), dir });
    console.log(`\n${streamsReport(out)}`);
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`failed; logs kept in ${dir}`);
    throw err;
  }
}
