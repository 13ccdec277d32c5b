/**
 * Reconciliation end to end: admin keys set through GraphQL, runs against the
 * mock admin APIs (both providers' formats, paged), and the exact rows the
 * `reconciliation` query answers for the seeded discrepancies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startAdminMock, type AdminMock } from "../helpers/mock/admin-apis.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { dayA, dayB, dayC, dayMs, seedLectr, seedProviders, today } from "./scenario.ts";
import { createKey, createOrg } from "../../src/db/orgs.ts";

const openaiKey = "sk-admin-test-openai-0123456789abcdef";
const anthropicKey = "sk-ant-admin01-test-anthropic-0123456789";
const secretsKey = "a".repeat(64);
const iso = (ms: number) => new Date(ms).toISOString();

let mock: AdminMock;
let l: TestLectr;
let gql: Gql;

beforeAll(async () => {
  mock = startAdminMock({ openai: openaiKey, anthropic: anthropicKey }, { pageBuckets: 4 });
  seedProviders(mock);
  l = await startLectr({ config: { secretsKey }, baseUrls: { openai: `${mock.url}/v1`, anthropic: `${mock.url}/anthropic/v1` } });
  await seedLectr(l);
  gql = gqlClient(l, orgKey(l.key));
});

afterAll(async () => {
  await l?.stop();
  await mock?.stop();
});

const rowFields = `day provider model status recordedUsd billedUsd expectedUsd unseenUsd driftUsd
  recorded { requests uncachedInputTokens cacheReadTokens cacheWrite5mTokens cacheWrite1hTokens outputTokens }
  reported { requests uncachedInputTokens cacheReadTokens cacheWrite5mTokens cacheWrite1hTokens outputTokens }
  breakdown { kind id billedUsd expectedUsd reported { requests outputTokens } }`;

const counts = (requests: number | null, uncached: number, read: number, w5m: number | null, w1h: number | null, output: number) => ({
  requests,
  uncachedInputTokens: uncached,
  cacheReadTokens: read,
  cacheWrite5mTokens: w5m,
  cacheWrite1hTokens: w1h,
  outputTokens: output,
});

describe("reconciliation through GraphQL", () => {
  test("admin keys are write-only, and sources name the org's share of the provider organization", async () => {
    const set = await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "${openaiKey}") { enabled providers { provider hasAdminKey } } }`);
    expect(set.data.setReconciliationAdminKey).toEqual({ enabled: true, providers: [{ provider: "OPENAI", hasAdminKey: true }, { provider: "ANTHROPIC", hasAdminKey: false }] });
    await gql(`mutation { setReconciliationAdminKey(provider: ANTHROPIC, adminKey: "${anthropicKey}") { enabled } }`);
    const src = await gql(`mutation { setReconciliationSources(provider: OPENAI, sources: ["project:proj_app"]) { providers { provider sources } } }`);
    expect(src.data.setReconciliationSources.providers).toEqual([{ provider: "OPENAI", sources: ["project:proj_app"] }, { provider: "ANTHROPIC", sources: [] }]);
    const bad = await gql(`mutation { setReconciliationSources(provider: ANTHROPIC, sources: ["project:x"]) { enabled } }`);
    expect(bad.codes).toEqual(["BAD_USER_INPUT"]);
    const gemini = await gql(`mutation { setReconciliationAdminKey(provider: GEMINI, adminKey: "${"x".repeat(30)}") { enabled } }`);
    expect(gemini.codes).toEqual(["BAD_USER_INPUT"]);
  });

  test("a run reads every page of both reports and answers the exact rows", async () => {
    const run = await gql(`mutation { runReconciliation(provider: OPENAI, from: "${iso(dayA - dayMs)}", to: "${iso(today + dayMs)}") { status error rows apiCalls } }`);
    expect(run.data.runReconciliation).toMatchObject({ status: "ok", error: null, rows: 9 });
    // paged: more calls than the six reports (five usage, one cost) read once each
    expect(run.data.runReconciliation.apiCalls).toBeGreaterThan(11);
    expect(mock.requests.every((r) => r.credential === `Bearer ${openaiKey}`)).toBe(true);

    const res = await gql(`{ reconciliation(period: {from: "${iso(dayA)}", to: "${iso(today + dayMs)}"}, provider: OPENAI) { enabled recordedUsd billedUsd unseenUsd driftUsd rows { ${rowFields} } } }`);
    expect(res.errors).toBeUndefined();
    const r = res.data.reconciliation;
    expect({ enabled: r.enabled, recordedUsd: r.recordedUsd, billedUsd: r.billedUsd, unseenUsd: r.unseenUsd, driftUsd: r.driftUsd }).toEqual({
      enabled: true,
      recordedUsd: 0.15305,
      billedUsd: 0.38368,
      unseenUsd: 0.21663,
      driftUsd: 0.014,
    });
    const app = (requests: number, output: number, expectedUsd: number, id = "key_app") => ({ kind: "api_key", id, billedUsd: null, expectedUsd, reported: { requests, outputTokens: output } });
    expect(r.rows).toEqual([
      {
        day: iso(dayA), provider: "OPENAI", model: "gpt-4o", status: "MISMATCHED",
        recordedUsd: 0.14, billedUsd: 0.154, expectedUsd: 0.14, unseenUsd: 0, driftUsd: 0.014,
        recorded: counts(4, 40_000, 0, null, null, 4000), reported: counts(4, 40_000, 0, null, null, 4000),
        breakdown: [app(4, 4000, 0.14)],
      },
      {
        day: iso(dayA), provider: "OPENAI", model: "gpt-4o-mini", status: "MATCHED",
        recordedUsd: 0.00435, billedUsd: 0.00435, expectedUsd: 0.00435, unseenUsd: 0, driftUsd: 0,
        recorded: counts(10, 8000, 2000, null, null, 5000), reported: counts(10, 8000, 2000, null, null, 5000),
        breakdown: [app(10, 5000, 0.00435)],
      },
      {
        day: iso(dayB), provider: "OPENAI", model: "gpt-4o-mini", status: "MISMATCHED",
        recordedUsd: 0.00435, billedUsd: 0.22185, expectedUsd: 0.22185, unseenUsd: 0.2175, driftUsd: 0,
        recorded: counts(10, 8000, 2000, null, null, 5000), reported: counts(60, 408_000, 102_000, null, null, 255_000),
        breakdown: [app(10, 5000, 0.00435), app(50, 250_000, 0.2175, "key_laptop")],
      },
      {
        day: iso(dayC), provider: "OPENAI", model: "gpt-4o-mini", status: "PROVISIONAL",
        recordedUsd: 0.00435, billedUsd: 0.00348, expectedUsd: 0.00348, unseenUsd: -0.00087, driftUsd: 0,
        recorded: counts(10, 8000, 2000, null, null, 5000), reported: counts(8, 6400, 1600, null, null, 4000),
        breakdown: [app(8, 4000, 0.00348)],
      },
    ]);
  });

  test("Anthropic: cost in cents as strings, every cache class, requests unknown", async () => {
    const run = await gql(`mutation { runReconciliation(provider: ANTHROPIC, from: "${iso(dayA)}", to: "${iso(dayA + dayMs)}") { status error rows } }`);
    expect(run.data.runReconciliation).toEqual({ status: "ok", error: null, rows: 2 });
    expect(mock.requests.filter((r) => r.path.startsWith("/anthropic/")).every((r) => r.credential === anthropicKey)).toBe(true);
    const res = await gql(`{ reconciliation(period: {from: "${iso(dayA)}", to: "${iso(dayA + dayMs)}"}, provider: ANTHROPIC) { rows { ${rowFields} } } }`);
    expect(res.data.reconciliation.rows).toEqual([
      {
        day: iso(dayA), provider: "ANTHROPIC", model: "claude-sonnet-4-20250514", status: "MATCHED",
        recordedUsd: 0.007905, billedUsd: 0.007905, expectedUsd: 0.007905, unseenUsd: 0, driftUsd: 0,
        recorded: counts(2, 1000, 600, 300, 100, 200), reported: counts(null, 1000, 600, 300, 100, 200),
        breakdown: [{ kind: "api_key", id: "apikey_01", billedUsd: null, expectedUsd: 0.007905, reported: { requests: null, outputTokens: 200 } }],
      },
    ]);
  });

  test("reconciliationRuns lists the runs newest first; a read key may read, not change; another org sees nothing", async () => {
    const runs = await gql(`{ reconciliationRuns { provider status } }`);
    expect(runs.data.reconciliationRuns).toEqual([{ provider: "ANTHROPIC", status: "ok" }, { provider: "OPENAI", status: "ok" }]);
    const { key } = await createKey(l.lectr.database.db, l.orgId, { scope: "read" });
    const reader = gqlClient(l, orgKey(key));
    expect((await reader(`{ reconciliationRuns { status } }`)).data.reconciliationRuns).toHaveLength(2);
    const refused = await reader(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "sk-admin-${"x".repeat(30)}") { enabled } }`);
    expect(refused.codes).toEqual(["FORBIDDEN"]);
    const other = await createOrg(l.lectr.database.db, "other");
    const stranger = gqlClient(l, orgKey(other.key));
    const seen = await stranger(`{ reconciliation(period: {from: "${iso(dayA)}", to: "${iso(today + dayMs)}"}) { rows { model } } reconciliationRuns { id } reconciliationSettings { providers { hasAdminKey } } }`);
    expect(seen.data).toEqual({ reconciliation: { rows: [] }, reconciliationRuns: [], reconciliationSettings: { providers: [{ hasAdminKey: false }, { hasAdminKey: false }] } });
    expect((await stranger(`{ reconciliationRuns(orgId: "${l.orgId}") { id } }`)).codes).toEqual(["FORBIDDEN"]);
  });
});

describe("without LECTR_SECRETS_KEY", () => {
  test("reconciliation is off and says why; no admin key is taken", async () => {
    await using off = await startLectr();
    const q = gqlClient(off, orgKey(off.key));
    const read = await q(`{ reconciliation { enabled message rows { model } } reconciliationSettings { enabled message } }`);
    const message = "Reconciliation is off: set LECTR_SECRETS_KEY (32 random bytes, hex or base64) so Lectr can store provider admin keys encrypted.";
    expect(read.data).toEqual({ reconciliation: { enabled: false, message, rows: [] }, reconciliationSettings: { enabled: false, message } });
    const set = await q(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "sk-admin-${"y".repeat(30)}") { enabled } }`);
    expect({ codes: set.codes, message: set.errors?.[0]?.message }).toEqual({ codes: ["BAD_USER_INPUT"], message });
    const stored = await off.lectr.database.client.execute("SELECT COUNT(*) AS n FROM reconcile_credentials");
    expect(Number(stored.rows[0]!.n)).toBe(0);
  });
});
