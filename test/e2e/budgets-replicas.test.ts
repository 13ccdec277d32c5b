/**
 * Budgets, alerts and rate limits across two real replicas on one database
 * file, with a loopback webhook receiver: the $1 block budget under 64
 * concurrent clients (overshoot printed), alerts exactly once each, an
 * unreachable webhook retried and logged, and a rate limit within 5 %.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { spawnLectr, type LectrProcess } from "../helpers/process.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { waitFor } from "../helpers/wait-for.ts";

let dir: string;
let mock: MockUpstream;
let a: LectrProcess;
let b: LectrProcess;
let key: string;
let gql: Gql;
let db: Client;

interface Received {
  headers: Record<string, string>;
  body: string;
}
const received: Received[] = [];
let receiver: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lectr-budgets-"));
  mock = await startMockUpstream("openai");
  // $0.0125 a call: 1,000 tokens in at $2.50/M, 1,000 out at $10/M (gpt-4o)
  mock.setBehavior({ usage: { promptTokens: 1000, completionTokens: 1000, cachedTokens: 0, reasoningTokens: 0 }, delayHeadersMs: 15 });
  receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      received.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response("ok");
    },
  });
  const env = { LECTR_DB_URL: `file:${join(dir, "shared.db")}`, LECTR_OPENAI_BASE_URL: mock.baseUrl, LECTR_ALLOW_PRIVATE_UPSTREAMS: "true", LECTR_METRICS_TOKEN: metricsToken };
  a = await spawnLectr(env);
  b = await spawnLectr(env);
  key = (a.key ?? b.key)!;
  gql = gqlClient(a.url, orgKey(key));
  db = createClient({ url: `file:${join(dir, "shared.db")}` });
}, 30_000);

afterAll(async () => {
  a?.kill("SIGTERM");
  b?.kill("SIGTERM");
  await Promise.all([a?.exited, b?.exited]);
  db?.close();
  receiver?.stop(true);
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Per-budget and per-limit gauges are shown with the metrics token only. */
const metricsToken = "metrics-token-for-budget-replicas";
/** Both replicas' request threads have the budget or limit (their /metrics list it). */
async function bothHold(id: string): Promise<boolean> {
  const texts = await Promise.all([a, b].map(async (p) => (await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text()));
  return texts.every((t) => t.includes(`="${id}"}`));
}

/** A prompt of ~1,000 tokens by size, so the reservation is close to the real cost. */
const body = JSON.stringify({ model: "gpt-4o", max_tokens: 1000, messages: [{ role: "user", content: "x".repeat(3900) }] });
const call = (p: LectrProcess) =>
  fetch(`${p.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-test-openai" }, body });

interface EventRow {
  status: number;
  error_code: string | null;
  cost_usd: number | null;
  created_at: number;
  latency_ms: number;
}
async function events(): Promise<EventRow[]> {
  const res = await db.execute("SELECT status, error_code, cost_usd, created_at, latency_ms FROM events");
  return res.rows.map((r) => ({ status: Number(r.status), error_code: r.error_code as string | null, cost_usd: r.cost_usd as number | null, created_at: Number(r.created_at), latency_ms: Number(r.latency_ms) }));
}

test("a $1 block budget holds under 64 concurrent clients on two replicas; alerts go out once each; a dead webhook is retried and logged", async () => {
  const hooks = await Promise.all(
    (["SLACK", "JSON"] as const).map(async (format) => (await gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:${receiver.port}/${format}", format: ${format} }) { webhook { id } secret } }`)).data.createWebhook),
  );
  // nothing listens on this port
  const dead = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const deadPort = dead.port;
  dead.stop(true);
  const deadHook = (await gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:${deadPort}/gone", format: JSON }) { webhook { id } } }`)).data.createWebhook.webhook;
  const created = await gql(`mutation { createBudget(input: { name: "team", period: DAY, amountUsd: 1, action: BLOCK, thresholds: [25, 50, 90] }) { id } }`);
  const budgetId = created.data.createBudget.id as string;
  // both replicas have it in memory within a sync round
  await waitFor(() => bothHold(budgetId));

  // each client calls until its budget is used up; a 429 (room left, held by the other replica until the next round) is retried at once
  const outcomes: number[] = [];
  await Promise.all(
    Array.from({ length: 64 }, async (_, i) => {
      for (let n = 0; n < 300; n++) {
        const res = await call(i % 2 ? a : b);
        await res.arrayBuffer();
        outcomes.push(res.status);
        if (res.status === 402) return;
      }
    }),
  );
  const rows = await waitFor(async () => {
    const e = await events();
    return e.length === outcomes.length ? e : undefined;
  });
  await gql(`mutation($id: ID!) { deleteBudget(id: $id) }`, { id: budgetId });
  const admitted = rows.filter((e) => e.status === 200);
  const spent = admitted.reduce((s, e) => s + e.cost_usd!, 0);
  // the ledger (recorded plus reserved, across both replicas) was full when the first call was refused for good;
  // what was in flight then may still land
  const fullAt = Math.min(...rows.filter((e) => e.status === 402).map((e) => e.created_at));
  const inFlight = admitted.filter((e) => e.created_at <= fullAt && e.created_at + e.latency_ms > fullAt).reduce((s, e) => s + e.cost_usd!, 0);
  // when the recorded spend left no room for another call (by when its last call completed), no replica admits a second later
  let running = 0;
  let spentAt = Infinity;
  for (const e of [...admitted].sort((x, y) => x.created_at + x.latency_ms - (y.created_at + y.latency_ms))) {
    running += e.cost_usd!;
    if (running > 1 - 0.0125 && spentAt === Infinity) spentAt = e.created_at + e.latency_ms;
  }
  const lateAdmissions = admitted.filter((e) => e.created_at > spentAt + 1000).length;
  console.log(
    `budget $1.00, 64 clients on 2 replicas: ${admitted.length} admitted, ${outcomes.filter((s) => s === 402).length} refused, ${outcomes.filter((s) => s === 429).length} asked to retry, ` +
      `recorded $${spent.toFixed(4)} (overshoot $${(spent - 1).toFixed(4)}; in flight when the ledger was full: $${inFlight.toFixed(4)}); ` +
      `admitted more than 1 s after the spend was recorded: ${lateAdmissions}`,
  );
  expect(outcomes.every((s) => s === 200 || s === 402 || s === 429)).toBe(true);
  expect(spent).toBeLessThanOrEqual(1 + inFlight + 1e-9);
  // reservations do not refuse early: at most a couple of calls' worth is left unused
  expect(spent).toBeGreaterThan(1 - 3 * 0.0125);
  expect(lateAdmissions).toBe(0);
  expect(rows.filter((e) => e.status === 402).every((e) => e.error_code === "budget_exceeded" && e.cost_usd === 0)).toBe(true);
  expect(rows.filter((e) => e.status === 429).every((e) => e.error_code === "budget_contended" && e.cost_usd === 0)).toBe(true);

  // 25, 50 and 90 % each went out once, to both receivers, across both replicas
  const thresholds = (r: Received[]) => r.map((x) => JSON.parse(x.body)).filter((x) => x.type === "budget.threshold").map((x) => x.thresholdPct).sort();
  await waitFor(() => received.filter((r) => r.headers["content-type"] === "application/json").length >= 6 && thresholds(received.filter((r) => !("text" in JSON.parse(r.body)))).length === 3);
  // the dead webhook's second attempt comes a second after its first: by then any duplicate would have arrived too
  const deadAttempts = await waitFor(async () => {
    const d = (await gql(`{ webhookDeliveries(limit: 1000) { webhookId attempt delivered error } }`)).data.webhookDeliveries as { webhookId: string; attempt: number; delivered: boolean; error: string }[];
    const mine = d.filter((x) => x.webhookId === deadHook.id);
    return mine.some((x) => x.attempt >= 2) ? mine : undefined;
  });
  expect(deadAttempts.every((x) => !x.delivered && x.error === "unreachable")).toBe(true);
  const alerts = (await gql(`{ budgetAlerts { budgetId kind thresholdPct } }`)).data.budgetAlerts as { budgetId: string; kind: string; thresholdPct: number }[];
  expect(alerts.filter((x) => x.kind === "THRESHOLD").map((x) => x.thresholdPct).sort()).toEqual([25, 50, 90]);
  expect(alerts.filter((x) => x.kind === "FORECAST").length).toBeLessThanOrEqual(1);
  const json = received.filter((r) => r.headers["x-lectr-signature"] && !("text" in JSON.parse(r.body)));
  const slack = received.filter((r) => "text" in JSON.parse(r.body));
  expect(thresholds(json)).toEqual([25, 50, 90]);
  expect(json.length).toBe(alerts.length);
  expect(slack.length).toBe(alerts.length);
  expect(slack.map((r) => JSON.parse(r.body).text).filter((t: string) => t.includes("reached 50%"))).toEqual([expect.stringContaining('Budget "team" reached 50%')]);
  // signed with each webhook's own secret; the idempotency key is the alert's id
  for (const [r, hook] of [...json.map((r) => [r, hooks[1]] as const), ...slack.map((r) => [r, hooks[0]] as const)]) {
    const [, t, mac] = r.headers["x-lectr-signature"]!.match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
    expect(mac).toBe(createHmac("sha256", hook.secret).update(`${t}.${r.body}`).digest("hex"));
  }
  expect(new Set(json.map((r) => r.headers["idempotency-key"])).size).toBe(alerts.length);
  expect(json.every((r) => JSON.parse(r.body).budget.id === budgetId)).toBe(true);
}, 60_000);

test("a rate limit holds within 5 % across two replicas", async () => {
  mock.setBehavior({});
  const limit = 300;
  const id = (await gql(`mutation { createRateLimit(input: { name: "org rpm", requestsPerMinute: ${limit} }) { id } }`)).data.createRateLimit.id;
  // start early in a minute, once both replicas' rounds have the limit
  await waitFor(() => Date.now() % 60_000 < 45_000, { timeoutMs: 20_000 });
  await waitFor(() => bothHold(id));
  const windowStart = Date.now() - (Date.now() % 60_000);
  const until = Date.now() + 3_000;
  const small = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  let ok = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      while (Date.now() < until) {
        const res = await fetch(`${(i % 2 ? a : b).url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-test-openai" },
          body: small,
        });
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else expect(res.status).toBe(429);
      }
    }),
  );
  expect(Date.now() - (Date.now() % 60_000)).toBe(windowStart);
  console.log(`rate limit ${limit}/min on 2 replicas, 16 clients for 3 s: ${ok} admitted (${(((ok - limit) / limit) * 100).toFixed(1)} %)`);
  expect(Math.abs(ok - limit)).toBeLessThanOrEqual(limit * 0.05);
}, 60_000);
