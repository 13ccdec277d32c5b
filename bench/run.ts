/**
 * `npm run bench`: every benchmark in one go (≤ 10 minutes on the
 * 2-core machine), printed as markdown and written to bench/results/latest.md
 * (and latest.json, the raw records). Sections: proxy (side by side, with a
 * CPU profile of Lectr), streams (10,000 open streams), soak, writer, budgets (admission cost).
 *
 *   bun bench/run.ts [--only proxy,streams,soak,writer,budgets] [--targets direct,bun-hop,bun-floor,node-hop,lectr,lectr-bin,portkey]
 *                    [--rounds 2] [--seconds 4] [--latency-seconds 3] [--warm 2] [--connections 16,64]
 *                    [--paced-streams 100] [--open-streams 10000] [--streams-variant auto|both|shipped|lifted]
 *                    [--soak-seconds 60] [--writer-events 100000] [--no-profile] [--lectr-root PATH] [--keep]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describeMachine, machineLine } from "./lib/machine.ts";
import { pin, stopAll } from "./lib/proc.ts";
import { capacityTable, eventChecks, goalsTable, latencyTable, ratiosTable, streamsTable } from "./lib/proxy-report.ts";
import { allTargets, root, type TargetName } from "./lib/targets.ts";
import { portkeyVersion, honoNodeServerOverride } from "./lib/portkey.ts";
import { profileReport, runProfile } from "./profile.ts";
import { runProxyBench, type ProxyResults } from "./proxy.ts";
import { runSoak, soakReport } from "./soak.ts";
import { runStreamVariants, streamsReport, type StreamsVariantChoice } from "./streams.ts";
import { flag, option } from "./lib/args.ts";
import { runWriterBench, writerReport } from "./writer.ts";
import { budgetReport, runBudgetBench } from "./budgets.ts";

const value = (name: string, fallback: string) => option(name) ?? fallback;
const num = (name: string, fallback: number) => Number(value(name, String(fallback)));

const sections = value("only", "proxy,streams,soak,writer,budgets").split(",");
const opts = {
  targets: value("targets", allTargets.join(",")).split(",") as TargetName[],
  rounds: num("rounds", 2),
  seconds: num("seconds", 4),
  latencySeconds: num("latency-seconds", 3),
  warmSeconds: num("warm", 2),
  connections: value("connections", "16,64").split(",").map(Number),
  streams: num("paced-streams", 100),
  chunkDelayMs: 1,
};
const lectrRoot = flag("lectr-root") ? value("lectr-root", root) : undefined;

// The harness (and the clients it runs in-process) stays on the load core.
pin(process.pid, "0");
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-"));
const resultsDir = join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const rel = (p: string) => relative(root, p);
const started = performance.now();
const machine = describeMachine();
const md: string[] = [];
const raw: Record<string, unknown> = { machine, sections, opts };
const log = (line: string) => console.log(line);
const failed: string[] = [];

async function section(name: string, body: () => Promise<void>) {
  if (!sections.includes(name)) return;
  const t0 = performance.now();
  log(`\n== ${name}`);
  try {
    await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    failed.push(`${name}: ${message}`);
    md.push(`**${name} failed:** \`${message.split("\n")[0]}\` (logs in ${dir})`, "");
    log(`${name} failed: ${message}`);
    await stopAll();
  }
  log(`   (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

md.push("# Lectr benchmarks", "", machineLine(machine), "");

await section("proxy", async () => {
  const res: ProxyResults = await runProxyBench({ ...opts, dir, lectrRoot, log });
  raw.proxy = res;
  for (const f of res.failures) failed.push(`proxy: ${f}`);
  const skipped = Object.entries(res.skipped).map(([t, why]) => `${t}: ${why}`);
  const ev = eventChecks(res);
  const shared = res.runs.filter((r) => r.foreignPct + r.stealPct > 5).length;
  md.push(
    "## Proxy, side by side",
    "",
    `Targets measured back to back against one mock upstream, ${opts.rounds} rounds alternating the order; each row is the best round (highest req/s for capacity, lowest p50 for latency and streams), with the other rounds beside it. wrk runs ${opts.seconds} s (capacity) / ${opts.latencySeconds} s (latency) after ${opts.warmSeconds} s of warm-up per target, one thread; its scripts stop sending 0.4 s before the end so that no request is cut, and req/s is over the sending window. Lectr runs with every feature on (auth, detection, usage capture, log line per request, events to a libSQL file). Portkey ${portkeyVersion} runs headless with NODE_ENV=production and @hono/node-server ${honoNodeServerOverride}.${skipped.length ? ` Not measured: ${skipped.join("; ")}.` : ""}`,
    "",
    "### Targets",
    "",
    ...(["lectr", "lectr-bin"] as const).filter((l) => res.runs.some((r) => r.target === l)).flatMap((l) => [goalsTable(res, l), ""]),
    "### Throughput ratios (capacity)",
    "",
    ratiosTable(res),
    "",
    "### Capacity: proxy alone on core 1, mock and wrk on core 0",
    "",
    "CPU µs/req is the proxy process's CPU time (all threads, including Lectr's event writer) over the requests served; proxy core is its CPU over the sending window (below ~90 % something else was the bottleneck, usually the load core). ⚠N% marks a run during which other processes and the hypervisor's steal took N % of a core.",
    "",
    capacityTable(res),
    "",
    "### Latency at 1 connection: proxy and mock on core 1, wrk on core 0",
    "",
    "Added latency = the target's percentile minus the direct (mock only) percentile in the same layout.",
    "",
    latencyTable(res),
    "",
    `### Streams through the paced mock (${opts.chunkDelayMs} ms between chunks; ${opts.streams} timed streams one at a time after a warm-up, from this harness on core 0)`,
    "",
    streamsTable(res),
    "",
    `One event per request: ${ev.passed} of ${ev.total} Lectr load runs exact${ev.failures.length ? `; failures: ${ev.failures.join("; ")}` : ""}.`,
    "",
    ...(res.failures.length ? [`**Target rounds that failed:** ${res.failures.join("; ")}.`, ""] : []),
    `Machine sharing: ${shared} of ${res.runs.length} reported runs lost more than 5 % of a core to other processes or to the hypervisor (steal: other VMs on the host); ${res.discarded.length} runs were repeated for it; ${(res.waitedMs / 1000).toFixed(0)} s went to waiting for quiet and repeating.`,
    "",
  );
  if (!flag("no-profile") && (opts.targets.includes("lectr"))) {
    const p = await runProfile({ seconds: opts.seconds, dir, keepDir: join(resultsDir, "profiles"), lectrRoot });
    raw.profile = p;
    md.push("### Where Lectr's time goes (bun --cpu-prof)", "", profileReport(p, rel), "");
  }
});

await section("streams", async () => {
  const n = num("open-streams", 10_000);
  const out = await runStreamVariants({ variant: value("streams-variant", "auto") as StreamsVariantChoice, n, dir, lectrRoot, log });
  raw.streams = out;
  md.push(
    `## ${n.toLocaleString("en-US")} open streams through Lectr`,
    "",
    "A separate client opens every stream at once (250 every 10 ms) against the paced mock; Lectr on core 1, client and mock on core 0. \"As shipped\": Lectr's own environment; the fetch cap is Bun's concurrent-fetch limit in the serving process (256 unless BUN_CONFIG_MAX_HTTP_REQUESTS was set when it started; Lectr relaunches itself with it set). \"Fetch cap lifted\" (only run when as shipped was capped): the harness sets BUN_CONFIG_MAX_HTTP_REQUESTS=65000. \"Open upstream at once\" is the mock's peak of concurrent streams.",
    "",
    streamsReport(out),
    "",
    ...out.filter((r) => r.note).map((r) => `⚠ ${r.variant}: ${r.note}.`),
    "",
  );
});

await section("soak", async () => {
  const r = await runSoak({ seconds: num("soak-seconds", 60), dir, lectrRoot, log });
  raw.soak = r;
  md.push(
    "## Soak",
    "",
    `Lectr at half of its measured maximum (max ${Math.round(r.maxJson).toLocaleString("en-US")} JSON/s and ${Math.round(r.maxSse).toLocaleString("en-US")} SSE/s at 16 connections), half JSON and half SSE over 2 × 8 connections. RSS start is sampled after 10 % of the soak (≥ 5 s); the full soak is 5 minutes (\`npm run bench:soak\`)${r.seconds < 300 ? `, this one ran ${r.seconds} s` : ""}.`,
    "",
    soakReport(r),
    "",
  );
});

await section("writer", async () => {
  const r = await runWriterBench({ events: num("writer-events", 100_000), dir, log, dbUrl: value("db-url", "") || undefined, dbPid: Number(value("db-pid", "0")) || undefined, authToken: value("db-auth-token", process.env.LECTR_DB_AUTH_TOKEN ?? "") || undefined });
  raw.writer = r;
  md.push("## Event writer", "", "Synthetic events (bench/seed.ts) into a fresh libSQL file through Lectr's recording path on one core: batches of 500 with their rollups and key updates, as in production.", "", writerReport(r), "");
});

await section("budgets", async () => {
  const r = runBudgetBench();
  raw.budgets = r;
  log(`  admission: ${r.admitUs.toFixed(2)} µs per request with ${r.budgets} budgets (${r.baselineUs.toFixed(3)} µs without)`);
  md.push(
    "## Budget admission",
    "",
    "`admit` (estimate from the body, match every budget and limit, reserve) plus `settle`, per request on one thread, for an org with 100 budgets of every shape and 5 rate limits, next to an org without any, in the same run.",
    "",
    budgetReport(r),
    "",
  );
});

const minutes = (performance.now() - started) / 60_000;
md.push(`Total time: ${minutes.toFixed(1)} min.${failed.length ? ` Failed sections: ${failed.join("; ")}` : ""}`, "");
const text = md.join("\n");
writeFileSync(join(resultsDir, "latest.md"), text);
writeFileSync(join(resultsDir, "latest.json"), JSON.stringify(raw, null, 1));
console.log(`\n${text}`);
console.log(`written: ${rel(join(resultsDir, "latest.md"))}, ${rel(join(resultsDir, "latest.json"))}`);
await stopAll();
if (flag("keep") || failed.length) console.log(`logs: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
