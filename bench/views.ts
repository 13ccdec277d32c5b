/**
 * `npm run bench:views [-- --events 500000 --runs 7]`
 *
 * Every dashboard view's GraphQL request, as the view sends it, timed at a
 * scale this machine can seed: synthetic events over 90 days for one org,
 * written through the real batch writer (insertEvents, so the rollups fill as
 * in production), then each view's request through /graphql in-process, p50
 * and max over N runs, against the 300 ms target. The seed is bounded
 * (--events, default 500,000) because the machine is shared; the numbers say
 * which views read rollups (flat in the event count) and which read events
 * (growing with it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { insertEvents } from "../src/db/events.ts";
import { migrate } from "../src/db/migrate.ts";
import { createOrg } from "../src/db/orgs.ts";
import { silentLogger } from "../src/lib/log.ts";
import { startServer } from "../src/compose.ts";
import { option } from "./lib/args.ts";
import { median, table } from "./lib/stats.ts";
import { syntheticBatches } from "./seed.ts";

const total = Number(option("events") ?? 500_000);
const runs = Number(option("runs") ?? 7);
const targetMs = 300;
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-views-"));
const dbUrl = `file:${join(dir, "bench.db")}`;
const config = loadConfig({ LECTR_DB_URL: dbUrl, LECTR_PORT: "0", LECTR_HOST: "127.0.0.1" });
const day = 86_400_000;
const providers = ["OPENAI", "ANTHROPIC", "GROQ", "GEMINI", "AZURE"];
const iso = (ms: number) => new Date(ms).toISOString();

try {
  const database = await openDatabase(dbUrl);
  await migrate(database.client);
  const { org, key, keyRow } = await createOrg(database.db, "acme");
  const now = Date.now();
  const seeded = performance.now();
  for (const batch of syntheticBatches({ orgs: [{ orgId: org.id, keyId: keyRow.id, share: 1 }], total, from: now - 90 * day, to: now, batchSize: config.flushBatchSize })) {
    await insertEvents(database.writePath, batch);
  }
  console.log(`\nSeeded ${total.toLocaleString("en")} events over 90 days for one org in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);
  database.close();

  const lectr = await startServer(config, { log: silentLogger, bootstrap: false });
  const ask = async (query: string) => {
    const res = await lectr.fetch(new Request("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": key }, body: JSON.stringify({ query }) }));
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`${query.slice(0, 80)}: ${JSON.stringify(body.errors)}`);
  };
  const period = (days: number) => `{ from: "${iso(now - days * day)}", to: "${iso(now)}" }`;
  const previous = (days: number) => `{ from: "${iso(now - 2 * days * day)}", to: "${iso(now - days * day)}" }`;
  const totals = "requests errors errorRate costUsd inputTokens cachedInputTokens outputTokens reasoningTokens unpricedRequests";
  // each as its view sends it (src/dashboard/ui/views/*.tsx): one request per view
  const overview = (days: number, bucket: "HOUR" | "DAY") => `{
    now: usageGroups(period: ${period(days)}) { total { ${totals} } } before: usageGroups(period: ${previous(days)}) { total { ${totals} } }
    ${providers.map((p) => `${p}: usageSeries(period: ${period(days)}, bucket: ${bucket}, provider: ${p}) { start costUsd requests errors }`).join(" ")}
    models: modelDistribution(period: ${period(days)}) { model provider requests costUsd } unpriced: unpricedModels(period: ${period(days)}) { model provider requests }
    first: events(first: 1) { edges { node { id } } } month: monthSpend { monthToDateUsd lastMonthToDateUsd lastMonthUsd forecastUsd }
    breakdown: costBreakdown(period: ${period(days)}) { providers { provider costUsd previousCostUsd changeUsd requests unpricedRequests } } }`;
  const window = "provider requests errors errorRate p95LatencyMs";
  const health = (days: number) => `{
    n15: providerHealth(period: { from: "${iso(now - 15 * 60_000)}", to: "${iso(now)}" }) { ${window} } n60: providerHealth(period: ${period(1 / 24)}) { ${window} }
    usual: providerHealth(period: { from: "${iso(now - 7 * day)}", to: "${iso(now - 3_600_000)}" }) { ${window} }
    ${providers.map((p) => `h_${p}: usageSeries(period: ${period(1)}, bucket: HOUR, provider: ${p}) { start requests errors p95LatencyMs }`).join(" ")}
    providerHealth(period: ${period(days)}) { provider requests errors errorRate p50LatencyMs p95LatencyMs lastErrorAt statusCounts { status count } }
    errors: events(first: 10, filter: { errorsOnly: true, from: "${iso(now - days * day)}", to: "${iso(now)}" }) { edges { node { id status } } } }`;
  const cases: [string, string][] = [
    ["Overview, 24 h", overview(1, "HOUR")],
    ["Overview, 90 days", overview(90, "DAY")],
    ["What changed by model, 7 days", `{ spendChanges(period: ${period(7)}, by: MODEL, limit: 50) { changes { key costUsd previousCostUsd } } }`],
    ["What changed by feature, 90 days", `{ spendChanges(period: ${period(90)}, by: FEATURE, limit: 50) { changes { key costUsd previousCostUsd } } }`],
    ["Models, 90 days", `{ modelDistribution(period: ${period(90)}) { model provider requests costUsd avgLatencyMs p95LatencyMs inputTokens outputTokens errorRate unpricedRequests } }`],
    ["Explore by feature × model, 30 days", `{ usageGroups(period: ${period(30)}, by: [FEATURE, MODEL], limit: 15) { groups { keys labels requests errors costUsd } other { requests } total { requests } } }`],
    ["Explore by feature × model, 90 days", `{ usageGroups(period: ${period(90)}, by: [FEATURE, MODEL], limit: 15) { groups { keys labels requests errors costUsd } other { requests } total { requests } } }`],
    ["Provider health, 24 h (with right now)", health(1)],
    ["Provider health, 90 days (with right now)", health(90)],
    ["Events, first page", `{ events(first: 50, filter: { from: "${iso(now - day)}", to: "${iso(now)}" }) { edges { node { id model costUsd } } } }`],
    ["Spend less, 30 days", `{ recommendations(period: ${period(30)}) { fromModel toModel projectedMonthlySavingsUsd } unrecommendedModels(period: ${period(30)}, limit: 5) { model reason } routingRules { id } }`],
    ["Budgets", `{ budgets { id spentUsd } budgetAlerts(limit: 50) { id } org { keys { id name } } }`],
  ];
  console.log(`Each view's one request through /graphql in-process, ${runs} runs (a busy, shared 2-core machine):\n`);
  const rows: string[][] = [];
  for (const [name, query] of cases) {
    await ask(query);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await ask(query);
      times.push(performance.now() - t0);
    }
    const p50 = median(times);
    rows.push([name, p50.toFixed(0), Math.max(...times).toFixed(0), p50 <= targetMs ? `✓ ≤ ${targetMs}` : `✗ > ${targetMs}`]);
  }
  console.log(table(["view", "p50 ms", "max ms", "target"], rows) + "\n");
  await lectr.shutdown();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
