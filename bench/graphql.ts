/**
 * `npm run bench:graphql [-- --events 1000000 --runs 20]`
 *
 * Seeds a temporary file database with synthetic events over 90 days for 3
 * orgs through the real batch writer (insertEvents, in the recorder's
 * 500-event batches, so the rollups fill as in production), then times every
 * dashboard query through the real /graphql endpoint (in-process, the
 * server's own fetch), p50 over N runs, and prints a table against the
 * targets: seeding ≥ 50k events/s, every aggregate ≤ 50 ms p50.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseArgs } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { insertEvents } from "../src/db/events.ts";
import { migrate } from "../src/db/migrate.ts";
import { createOrg } from "../src/db/orgs.ts";
import { silentLogger } from "../src/lib/log.ts";
import { startServer } from "../src/compose.ts";
import { encodeCursor } from "../src/graphql/cursor.ts";
import { syntheticBatches, type SeedOrg } from "./seed.ts";

const { flags } = parseArgs(process.argv.slice(2));
const total = Number(flags.events ?? 1_000_000);
const runs = Number(flags.runs ?? 20);
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-graphql-"));
const dbUrl = `file:${join(dir, "bench.db")}`;
const config = { ...loadConfig({ LECTR_DB_URL: dbUrl, LECTR_PORT: "0", LECTR_HOST: "127.0.0.1" }) };
const day = 86_400_000;

try {
  // ---- seed
  const database = await openDatabase(dbUrl);
  await migrate(database.client);
  const orgs: (SeedOrg & { name: string; key: string })[] = [];
  for (const [name, share] of [["acme", 0.5], ["globex", 0.3], ["initech", 0.2]] as const) {
    const { org, key, keyRow } = await createOrg(database.db, name);
    orgs.push({ name, orgId: org.id, keyId: keyRow.id, key, share });
  }
  const to = Date.now();
  let writeMs = 0;
  const wall = performance.now();
  for (const batch of syntheticBatches({ orgs, total, from: to - 90 * day, to, batchSize: config.flushBatchSize })) {
    const t0 = performance.now();
    await insertEvents(database.writePath, batch);
    writeMs += performance.now() - t0;
  }
  const wallMs = performance.now() - wall;
  const counts = (
    await database.client.execute(
      "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM rollups_hourly) AS hourly, (SELECT count(*) FROM rollups_daily) AS daily, (SELECT count(*) FROM status_counts_hourly) AS statuses",
    )
  ).rows[0]!;
  database.close();
  const mb = (statSync(join(dir, "bench.db")).size / 2 ** 20).toFixed(0);

  console.log(`\nSeeded ${Number(counts.events).toLocaleString("en")} events over 90 days for 3 orgs (50/30/20 %), ${config.flushBatchSize}-event batches, ${mb} MB`);
  console.log(`  rollups: ${counts.hourly} hourly rows, ${counts.daily} daily rows, ${counts.statuses} hourly status rows`);
  const rate = total / (writeMs / 1000);
  console.log(`  seeding through insertEvents: ${Math.round(rate).toLocaleString("en")} events/s (target ≥ 50,000) ${rate >= 50_000 ? "✓" : "✗"}`);
  console.log(`  (wall clock with event generation: ${Math.round(total / (wallMs / 1000)).toLocaleString("en")} events/s)`);

  // ---- query
  const lectr = await startServer(config, { log: silentLogger, bootstrap: false });
  const acme = orgs[0]!;
  const ask = async (query: string) => {
    const res = await lectr.fetch(
      new Request("http://bench/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": acme.key },
        body: JSON.stringify({ query }),
      }),
    );
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  };
  const firstPage = await lectr.fetch(
    new Request("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": acme.key },
      body: JSON.stringify({ query: "{ events(first: 50) { pageInfo { endCursor } } }" }),
    }),
  );
  const cursor = ((await firstPage.json()) as { data: { events: { pageInfo: { endCursor: string } } } }).data.events.pageInfo.endCursor;
  // a page deep in the history: after the newest quarter of acme's events
  const deep = (
    await lectr.database.client.execute({
      sql: "SELECT created_at, id FROM events WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
      args: [acme.orgId, Math.floor(total / 8)],
    })
  ).rows[0]!;
  const deepCursor = encodeCursor({ createdAt: Number(deep.created_at), id: String(deep.id) });

  const cases: [string, string, boolean][] = [
    ["costBreakdown LAST_24_HOURS", `{ costBreakdown(period: { preset: LAST_24_HOURS }) { totalCostUsd changePct providers { provider costUsd changePct } } }`, true],
    ["costBreakdown LAST_7_DAYS", `{ costBreakdown(period: { preset: LAST_7_DAYS }) { totalCostUsd changePct providers { provider costUsd changePct } } }`, true],
    ["costBreakdown LAST_30_DAYS", `{ costBreakdown(period: { preset: LAST_30_DAYS }) { totalCostUsd changePct providers { provider costUsd changePct } } }`, true],
    ["costBreakdown LAST_90_DAYS", `{ costBreakdown(period: { preset: LAST_90_DAYS }) { totalCostUsd changePct providers { provider costUsd changePct } } }`, true],
    ["modelDistribution LAST_24_HOURS", `{ modelDistribution(period: { preset: LAST_24_HOURS }) { model requests costUsd avgLatencyMs p95LatencyMs errorRate } }`, true],
    ["modelDistribution LAST_90_DAYS", `{ modelDistribution(period: { preset: LAST_90_DAYS }) { model requests costUsd avgLatencyMs p95LatencyMs errorRate } }`, true],
    ["providerHealth (LAST_HOUR)", `{ providerHealth { provider requests errorRate avgLatencyMs lastErrorAt statusCounts { status count } } }`, true],
    ["providerHealth LAST_7_DAYS", `{ providerHealth(period: { preset: LAST_7_DAYS }) { provider requests errorRate avgLatencyMs lastErrorAt statusCounts { status count } } }`, true],
    ["providerHealth LAST_90_DAYS", `{ providerHealth(period: { preset: LAST_90_DAYS }) { provider requests errorRate statusCounts { status count } } }`, true],
    ["usageSeries LAST_24_HOURS HOUR", `{ usageSeries(period: { preset: LAST_24_HOURS }, bucket: HOUR) { start requests costUsd errors } }`, true],
    ["usageSeries LAST_7_DAYS HOUR", `{ usageSeries(period: { preset: LAST_7_DAYS }, bucket: HOUR) { start requests costUsd errors } }`, true],
    ["usageSeries LAST_30_DAYS HOUR", `{ usageSeries(period: { preset: LAST_30_DAYS }, bucket: HOUR) { start requests costUsd errors } }`, true],
    ["usageSeries LAST_90_DAYS DAY", `{ usageSeries(period: { preset: LAST_90_DAYS }, bucket: DAY) { start requests costUsd errors } }`, true],
    ["usageSeries LAST_90_DAYS DAY, one model", `{ usageSeries(period: { preset: LAST_90_DAYS }, bucket: DAY, provider: OPENAI, model: "gpt-4o") { start requests costUsd } }`, true],
    ["events first page (50)", `{ events { edges { cursor node { id createdAt provider model status latencyMs costUsd } } pageInfo { hasNextPage endCursor } } }`, false],
    ["events second page (50, after)", `{ events(after: "${cursor}") { edges { node { id model status } } pageInfo { hasNextPage } } }`, false],
    [`events page after ${Math.floor(total / 8).toLocaleString("en")} newer`, `{ events(after: "${deepCursor}") { edges { node { id model status } } pageInfo { hasNextPage } } }`, false],
    ["events first page, errorsOnly", `{ events(filter: { errorsOnly: true }) { edges { node { id status errorCode } } } }`, false],
    ["events first page, one model", `{ events(filter: { model: "gemini-2.5-flash" }) { edges { node { id } } } }`, false],
    ["events first page, status 503", `{ events(filter: { status: 503 }) { edges { node { id } } } }`, false],
    ["usageGroups LAST_24_HOURS, total", `{ usageGroups(period: { preset: LAST_24_HOURS }) { total { requests errors costUsd inputTokens cachedInputTokens outputTokens reasoningTokens } } }`, false],
    ["usageGroups LAST_7_DAYS, total", `{ usageGroups(period: { preset: LAST_7_DAYS }) { total { requests errors costUsd inputTokens cachedInputTokens outputTokens reasoningTokens } } }`, false],
    ["usageGroups LAST_30_DAYS by model", `{ usageGroups(period: { preset: LAST_30_DAYS }, by: [MODEL], limit: 15) { groups { keys requests costUsd } other { requests } } }`, false],
    ["usageGroups LAST_90_DAYS by feature, model", `{ usageGroups(period: { preset: LAST_90_DAYS }, by: [FEATURE, MODEL], limit: 15) { groups { keys requests costUsd } other { requests } } }`, false],
    // the dashboard's overview in its one request (src/dashboard/ui/views/overview.tsx), for the last 24 hours
    [
      "dashboard overview LAST_24_HOURS (one request)",
      `{ now: usageGroups(period: { preset: LAST_24_HOURS }) { total { requests errors costUsd inputTokens cachedInputTokens outputTokens reasoningTokens } }
         ${["OPENAI", "ANTHROPIC", "GROQ", "GEMINI", "AZURE"].map((p) => `${p}: usageSeries(period: { preset: LAST_24_HOURS }, bucket: HOUR, provider: ${p}) { start costUsd }`).join(" ")}
         modelDistribution(period: { preset: LAST_24_HOURS }) { model provider requests costUsd } unpricedModels(period: { preset: LAST_24_HOURS }) { model requests }
         events(first: 1) { edges { node { id } } } }`,
      false,
    ],
    ["events page of 500", `{ events(first: 500) { edges { node { id createdAt model costUsd } } } }`, false],
  ];

  console.log(`\nQueries for acme (${(total * 0.5).toLocaleString("en")} events), through /graphql in-process, ${runs} runs each:\n`);
  const rows: string[][] = [];
  let allOk = true;
  for (const [name, query, aggregate] of cases) {
    await ask(query); // warm
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await ask(query);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor((times.length - 1) / 2)]!;
    const ok = !aggregate || p50 <= 50;
    allOk &&= ok;
    rows.push([name, p50.toFixed(1), times[times.length - 1]!.toFixed(1), aggregate ? (ok ? "✓ ≤ 50" : "✗ > 50") : ""]);
  }
  const head = ["query", "p50 ms", "max ms", "target"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  console.log(`\nEvery aggregate ≤ 50 ms p50: ${allOk ? "yes ✓" : "no ✗"}\n`);
  await lectr.shutdown();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
