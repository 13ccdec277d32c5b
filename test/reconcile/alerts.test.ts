/**
 * Past the org's thresholds, a settled day's unseen spend and drift go to the
 * org's webhooks once, signed; the gauges show them (per org only behind the
 * metrics token); and replicas sharing a database run a round once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startAdminMock, type AdminMock } from "../helpers/mock/admin-apis.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { parseExposition, sampleValue } from "../helpers/prom-parse.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startReconciler } from "../../src/reconcile/control.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { dayA, dayB, dayMs, seedLectr, seedProviders, today } from "./scenario.ts";

const openaiKey = "sk-admin-alerts-0123456789abcdefgh";
const secretsKey = "d".repeat(64);
const metricsToken = "t".repeat(32);
const iso = (ms: number) => new Date(ms).toISOString();

let mock: AdminMock;
let l: TestLectr;
let gql: Gql;
let receiver: ReturnType<typeof Bun.serve>;
const received: { body: string; signature: string; idempotency: string }[] = [];

beforeAll(async () => {
  receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      received.push({ body: await req.text(), signature: req.headers.get("x-lectr-signature") ?? "", idempotency: req.headers.get("idempotency-key") ?? "" });
      return new Response("ok");
    },
  });
  mock = startAdminMock({ openai: openaiKey, anthropic: "sk-ant-admin01-unused-00000000000000" }, { pageBuckets: 31 });
  seedProviders(mock);
  l = await startLectr({ config: { secretsKey, metricsToken, allowPrivateUpstreams: true }, baseUrls: { openai: `${mock.url}/v1` } });
  await seedLectr(l);
  gql = gqlClient(l, orgKey(l.key));
});

afterAll(async () => {
  await l?.stop();
  await mock?.stop();
  await receiver?.stop(true);
});

describe("reconciliation alerts, gauges and the lease", () => {
  test("unseen spend and drift past the thresholds: one signed alert each, once", async () => {
    const hook = await gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:${receiver.port}/hook", format: JSON }) { secret } }`);
    const secret = hook.data.createWebhook.secret as string;
    await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "${openaiKey}") { enabled } }`);
    await gql(`mutation { setReconciliationSources(provider: OPENAI, sources: ["project:proj_app"]) { enabled } }`);
    const set = await gql(`mutation { setReconciliationAlerts(unseenAlertUsd: 0.1, driftAlertUsd: 0.01) { unseenAlertUsd driftAlertUsd } }`);
    expect(set.data.setReconciliationAlerts).toEqual({ unseenAlertUsd: 0.1, driftAlertUsd: 0.01 });
    const runAll = () => gql(`mutation { runReconciliation(provider: OPENAI, from: "${iso(dayA)}", to: "${iso(today + dayMs)}") { status } }`);
    expect((await runAll()).data.runReconciliation.status).toBe("ok");
    await waitFor(() => received.length === 2);
    const bodies = received.map((r) => JSON.parse(r.body)).sort((a, b) => a.day.localeCompare(b.day));
    expect(bodies.map(({ id: _id, orgId: _o, ...rest }) => rest)).toEqual([
      { type: "reconciliation.drift", provider: "openai", day: iso(dayA).slice(0, 10), amountUsd: 0.014, thresholdUsd: 0.01 },
      { type: "reconciliation.unseen", provider: "openai", day: iso(dayB).slice(0, 10), amountUsd: 0.2175, thresholdUsd: 0.1 },
    ]);
    for (const r of received) {
      const [t, v1] = r.signature.split(",").map((p) => p.split("=")[1]!);
      expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${r.body}`).digest("hex"));
      expect(r.idempotency).toBe(JSON.parse(r.body).id);
    }
    const deliveries = await gql(`{ webhookDeliveries { alertId attempt status delivered } }`);
    expect(deliveries.data.webhookDeliveries.map((d: { alertId: string }) => d.alertId).sort()).toEqual(bodies.map((x) => x.id).sort());
    expect(deliveries.data.webhookDeliveries.map(({ alertId: _a, ...d }: { alertId: string }) => d)).toEqual([
      { attempt: 1, status: 200, delivered: true },
      { attempt: 1, status: 200, delivered: true },
    ]);
    // the provisional day (dayC, unseen −$0.00087) and days under the thresholds send nothing; a second run sends nothing new
    expect((await runAll()).data.runReconciliation.status).toBe("ok");
    expect(received.length).toBe(2);
  });

  test("gauges: the sum per provider, and per org in the registry shown only behind the metrics token", async () => {
    expect((await l.request("/metrics")).status).toBe(401);
    const samples = parseExposition(await (await l.request("/metrics", { headers: { authorization: `Bearer ${metricsToken}` } })).text()).samples;
    // the settled days of the last week: dayA's drift, dayB's unseen spend (dayC is provisional)
    expect(sampleValue(samples, "lectr_reconcile_unseen_usd", { provider: "openai" })).toBe(0.2175);
    expect(sampleValue(samples, "lectr_reconcile_drift_usd", { provider: "openai" })).toBe(0.014);
    expect(sampleValue(samples, "lectr_org_reconcile_unseen_usd", { org_id: l.orgId, provider: "openai" })).toBe(0.2175);
    expect(sampleValue(samples, "lectr_org_reconcile_drift_usd", { org_id: l.orgId, provider: "openai" })).toBe(0.014);
  });

  test("two replicas on one database: the lease holder runs the round, the other does not", async () => {
    const replica = () =>
      startReconciler({
        db: l.lectr.database.client,
        secretsKey,
        baseUrls: { openai: `${mock.url}/v1`, anthropic: `${mock.url}/anthropic/v1` },
        priceBook: (orgId) => l.lectr.priceBooks.forOrg(orgId),
        log: silentLogger,
        schedule: false,
      });
    const [one, two] = [await replica(), await replica()];
    const runs = async () => (await gql(`{ reconciliationRuns(limit: 500) { id } }`)).data.reconciliationRuns.length;
    const before = await runs();
    await Promise.all([one.round(), two.round()]);
    expect(await runs()).toBe(before + 1);
    await two.round();
    expect(await runs()).toBe(before + 1);
    await one.round();
    expect(await runs()).toBe(before + 2);
  });
});
