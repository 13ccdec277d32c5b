/**
 * Bad answers from a provider: each leaves a run with a clear status, keeps the
 * last good run's rows untouched, and the next good run catches up. The admin
 * key appears in no stored byte, log line, answer or metric.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startAdminMock, type AdminMock } from "../helpers/mock/admin-apis.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { startReconciler, type ReconcileControl } from "../../src/reconcile/control.ts";
import { listRows } from "../../src/db/reconcile.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { dayA, dayMs, seedLectr, seedProviders, today } from "./scenario.ts";

const openaiKey = "sk-admin-CANARY-7f3e9a1c5b2d4e6f8a0b";
const secretsKey = Buffer.alloc(32, 7).toString("base64");
const iso = (ms: number) => new Date(ms).toISOString();

let mock: AdminMock;
let l: TestLectr;
let gql: Gql;
let direct: ReconcileControl;
const sleeps: number[] = [];

beforeAll(async () => {
  mock = startAdminMock({ openai: openaiKey, anthropic: "sk-ant-admin01-unused-0000000000" });
  seedProviders(mock);
  l = await startLectr({ config: { secretsKey, metricsToken: "m".repeat(32) }, baseUrls: { openai: `${mock.url}/v1` } });
  await seedLectr(l);
  gql = gqlClient(l, orgKey(l.key));
  // the same database, with retries that wait on a recorded clock instead of the wall
  direct = await startReconciler({
    db: l.lectr.database.client,
    secretsKey,
    baseUrls: { openai: `${mock.url}/v1`, anthropic: `${mock.url}/anthropic/v1` },
    priceBook: (orgId) => l.lectr.priceBooks.forOrg(orgId),
    log: silentLogger,
    pull: { fetch: (url, init) => fetch(url, init), sleep: async (ms) => void sleeps.push(ms) },
    schedule: false,
  });
});

afterAll(async () => {
  direct?.stop();
  await l?.stop();
  await mock?.stop();
});

const rowsNow = () => listRows(l.lectr.database.client, l.orgId, dayA, dayA + dayMs, "openai", "comparison");

describe("a provider that answers badly", () => {
  test("each failure is a run status, the good rows stay, and the next run catches up", async () => {
    const set = await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "${openaiKey}") { enabled } }`);
    expect(set.data.setReconciliationAdminKey.enabled).toBe(true);
    const good = await direct.run(l.orgId, "openai", dayA, dayA + dayMs);
    expect(good.run.status).toBe("ok");
    const before = await rowsNow();
    expect(before.map((r) => r.model)).toEqual(["gpt-4o", "gpt-4o-mini"]);

    mock.fail(429, 4);
    const limited = await direct.run(l.orgId, "openai", dayA, dayA + dayMs);
    expect(limited.run).toMatchObject({ status: "rate_limited", rows: 0, apiCalls: 4 });
    expect(sleeps).toEqual([1000, 2000, 4000]);

    mock.fail(503, 2);
    const recovered = await direct.run(l.orgId, "openai", dayA, dayA + dayMs);
    expect(recovered.run.status).toBe("ok");

    mock.fail(500, 4);
    expect((await direct.run(l.orgId, "openai", dayA, dayA + dayMs)).run.status).toBe("provider_error");

    mock.malformedNext({ object: "page", data: [{ object: "bucket", start_time: dayA / 1000, results: [{ object: "organization.usage.completions.result", input_tokens: "12" }] }], has_more: false });
    expect((await direct.run(l.orgId, "openai", dayA, dayA + dayMs)).run).toMatchObject({ status: "malformed" });

    mock.currency.openai = "eur";
    const eur = await direct.run(l.orgId, "openai", dayA, dayA + dayMs);
    expect(eur.run).toMatchObject({ status: "currency", error: "/organization/costs: costs are reported in eur, not USD" });
    mock.currency.openai = "usd";

    expect((await rowsNow()).map(({ status, billedUsd, model }) => ({ status, billedUsd, model }))).toEqual(before.map(({ status, billedUsd, model }) => ({ status, billedUsd, model })));

    // an hourly read of the last three days, one bucket a page: 72 pages, over the bound of 50
    mock.pageBuckets = 1;
    const paged = await direct.run(l.orgId, "openai", today - 2 * dayMs, today + dayMs);
    expect(paged.run).toMatchObject({ status: "too_many_pages", apiCalls: 50, error: "/organization/usage/completions: more than 50 pages; reconcile a shorter period" });
    mock.pageBuckets = 2;

    // a wrong or revoked key: unauthorized, nothing else touched
    await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "sk-admin-revoked-000000000000") { enabled } }`);
    const refused = await gql(`mutation { runReconciliation(provider: OPENAI, from: "${iso(dayA)}", to: "${iso(dayA + dayMs)}") { status error rows } }`);
    expect(refused.data.runReconciliation).toEqual({
      status: "unauthorized",
      error: "/organization/usage/completions: the provider refused the admin key (HTTP 401); it may be wrong, revoked or lack the admin role",
      rows: 0,
    });
    await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "${openaiKey}") { enabled } }`);
    expect((await direct.run(l.orgId, "openai", dayA, dayA + dayMs)).run.status).toBe("ok");

    const runs = await gql(`{ reconciliationRuns { status } }`);
    expect(runs.data.reconciliationRuns.map((r: { status: string }) => r.status)).toEqual(["ok", "unauthorized", "too_many_pages", "currency", "malformed", "provider_error", "ok", "rate_limited", "ok"]);
  });

  test("the admin key is in no stored byte, log line, answer or metric", async () => {
    const answers: string[] = [];
    for (const q of [`{ reconciliationSettings { providers { provider hasAdminKey keySetAt sources } } }`, `{ reconciliationRuns { status error } }`, `{ reconciliation(period: {preset: LAST_30_DAYS}) { rows { model breakdown { id } } } }`]) {
      answers.push(JSON.stringify(await gql(q)));
    }
    answers.push(await (await l.request("/metrics", { headers: { authorization: `Bearer ${"m".repeat(32)}` } })).text());
    expect(answers.join("\n")).toContain("lectr_org_reconcile_unseen_usd");
    await l.lectr.recorder.settled();
    const stored = readdirSync(l.dir)
      .filter((f) => /^lectr\.db(-wal|-shm)?$/.test(f))
      .map((f) => readFileSync(join(l.dir, f)).toString("latin1"))
      .join("");
    expect(stored.length).toBeGreaterThan(0);
    const canary = openaiKey.slice("sk-admin-".length);
    for (const [where, text] of [["answers", answers.join("\n")], ["logs", l.logs.join("")], ["database", stored]] as const) {
      expect({ where, leaked: text.includes(canary) }).toEqual({ where, leaked: false });
    }
  });
});
