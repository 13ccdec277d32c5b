/**
 * SQL statements per query, counted at the read connection's libSQL client: each query costs a
 * fixed number, however many orgs, keys, models or events there are (no N+1).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createKey, createOrg } from "../../src/db/orgs.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-statement-counts";
const T = Date.UTC(2026, 3, 1);
const hour = 3_600_000;
/** Starts and ends mid-hour: answered from daily rollups, hourly rollups and events. */
const period = `{ from: "${new Date(T + hour / 2).toISOString()}", to: "${new Date(T + 7 * 24 * hour + hour / 2).toISOString()}" }`;

let l: TestLectr;
let org: Gql;
let admin: Gql;
let statements = 0;

/** name, who asks (resolved once the clients exist), query, statements */
const queries: [string, () => Gql, string, number][] = [
  ["costBreakdown", () => org, `{ costBreakdown(period: ${period}) { totalCostUsd providers { provider costUsd } } }`, 2],
  ["modelDistribution", () => org, `{ modelDistribution(period: ${period}) { model p95LatencyMs } }`, 2],
  ["providerHealth", () => org, `{ providerHealth(period: ${period}) { provider statusCounts { status count } } }`, 3],
  ["usageSeries", () => org, `{ usageSeries(period: ${period}, bucket: HOUR) { start requests } }`, 2],
  ["events", () => org, `{ events(first: 500) { edges { cursor node { id model } } pageInfo { hasNextPage } } }`, 1],
  ["settings", () => org, `{ settings { azure { endpoint } } }`, 1],
  ["unpricedModels", () => org, `{ unpricedModels(period: ${period}) { model requests tokens } }`, 2],
  ["modelPrices", () => org, `{ modelPrices { id inEffect } }`, 1],
  ["orgs with their keys (admin)", () => admin, `{ orgs { id name keys { id prefix } } }`, 2],
  ["an org-scoped query by the admin", () => admin, `{ costBreakdown(period: ${period}, orgId: "ORG") { totalCostUsd } settings(orgId: "ORG") { azure { endpoint } } }`, 3],
];

async function count(client: Gql, query: string): Promise<number> {
  statements = 0;
  const r = await client(query.replaceAll('"ORG"', JSON.stringify(l.orgId)));
  expect(r.errors).toBeUndefined();
  return statements;
}

async function addTraffic(orgId: string, keyId: string, n: number, seed: number) {
  const rows: EventRow[] = Array.from({ length: n }, (_, i) => {
    const at = T + Math.floor(((i * 7919 + seed) % 1000) / 1000 * 7 * 24 * hour) + hour / 2;
    return {
      id: uuidv7(at), org_id: orgId, key_id: keyId, created_at: at, endpoint: "/v1/chat/completions",
      provider: ["openai", "groq", "gemini"][i % 3]!, provider_source: "detected", provider_unknown: false,
      model: `model-${(i + seed) % 17}`, streamed: false, status: [200, 200, 429, 500, 400][i % 5]!,
      latency_ms: 50 + (i % 300), input_tokens: 10, output_tokens: 2, cost_usd: 0.001, price_known: true, feature: `f${i % 5}`, task: "chat",
    };
  });
  await insertEvents(l.lectr.database.writePath, rows);
}

beforeAll(async () => {
  // the key lookup stays cached however slow the setup below is
  l = await startLectr({ env: { LECTR_ADMIN_TOKEN: adminToken }, config: { keyCacheTtlMs: 600_000 } });
  // the background reloads of rules and prices would be counted whenever they fall inside a query
  l.lectr.rules.stop();
  l.lectr.priceBooks.stop();
  org = gqlClient(l, orgKey(l.key));
  admin = gqlClient(l, bearer(adminToken));
  // background reloads every 2 s are not any query's statements
  l.lectr.rules.stop();
  l.lectr.priceBooks.stop();
  // GraphQL runs its statements on the read connection
  const client = l.lectr.database.reads.client;
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  client.execute = ((...args: Parameters<typeof execute>) => {
    statements++;
    return execute(...args);
  }) as typeof client.execute;
  client.batch = ((stmts: Parameters<typeof batch>[0], mode?: Parameters<typeof batch>[1]) => {
    statements += stmts.length;
    return batch(stmts, mode);
  }) as typeof client.batch;
  // the org key's lookup is cached after its first use, the org's volume (what a scan of its events costs) for a minute
  await org(`{ settings { azure { endpoint } } unpricedModels(period: ${period}) { model } }`);
});
afterAll(() => l.stop());

test("each query costs a fixed number of statements, whatever the data", async () => {
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const [name, client, query] of queries) out[name] = await count(client(), query);
    return out;
  };
  const expected = Object.fromEntries(queries.map(([name, , , n]) => [name, n]));
  const keyId = (await l.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [l.orgId] })).rows[0]!.id as string;

  await addTraffic(l.orgId, keyId, 20, 1);
  expect(await counts()).toEqual(expected);

  // ten times the orgs, keys, models and events
  for (let i = 0; i < 10; i++) {
    const o = await createOrg(l.lectr.database.db, `org-${i}`);
    for (let k = 0; k < 3; k++) await createKey(l.lectr.database.db, o.org.id);
    await addTraffic(o.org.id, o.keyRow.id, 100, i);
  }
  await addTraffic(l.orgId, keyId, 2000, 2);
  expect(await counts()).toEqual(expected);
});
