/**
 * Recommendations through GraphQL on fixed traffic (events inserted through
 * the real batch writer, so the rollups are the real ones), applying one as a
 * routing rule that the proxy then follows, tenancy, and a fixed number of SQL
 * statements per query whatever the data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { routingRules, type EventRow } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-recommendation-tests";
const hour = 3_600_000;
const day = 24 * hour;
const fields = "provider fromModel toModel tier confidence requests currentCostUsd projectedCostUsd estimatedSavingsUsd monthlySavingsUsd tasks { task requests } reason";
const applyMutation = `mutation($from: String!, $to: String!, $task: String, $percent: Int, $o: ID) {
  applyRecommendation(fromModel: $from, toModel: $to, task: $task, percent: $percent, orgId: $o) { id position feature task model provider targetModel targetProvider percent enabled } }`;

let f: Fixture;
/** The org with the fixed traffic, and one with none. */
let reco: Gql;
let recoOrg: string;
let recoKey: string;
let other: Gql;
let otherOrg: string;
let admin: Gql;

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  admin = gqlClient(f.lectr, bearer(adminToken));
  const db = f.lectr.lectr.database.db;
  const r = await createOrg(db, "reco");
  [recoOrg, recoKey] = [r.org.id, r.key];
  reco = gqlClient(f.lectr, orgKey(recoKey));
  const o = await createOrg(db, "other");
  otherOrg = o.org.id;
  other = gqlClient(f.lectr, orgKey(o.key));

  const now = Date.now();
  const ev = (at: number, x: Partial<EventRow>): EventRow => ({
    id: uuidv7(at), org_id: recoOrg, key_id: r.keyRow.id, created_at: at, endpoint: "/v1/chat/completions", provider: "openai",
    provider_source: "detected", provider_unknown: false, model: "gpt-4o", streamed: false, status: 200, latency_ms: 500, price_known: true, ...x,
  });
  await insertEvents(f.lectr.lectr.database.writePath, [
    // gpt-4o, every 5 hours over the last ~21 days (whole days, whole hours and partial hours): 90 tagged classification, 10 untagged
    ...Array.from({ length: 100 }, (_, i) =>
      ev(now - (i + 1) * 5 * hour, { task: i < 90 ? "classification" : null, input_tokens: 2000, output_tokens: 50, cost_usd: (2000 * 2.5 + 50 * 10) / 1e6 }),
    ),
    // Claude 3 Opus, untagged, short answers
    ...Array.from({ length: 40 }, (_, i) =>
      ev(now - (i + 1) * 7 * hour - 1234, { provider: "anthropic", model: "claude-3-opus-20240229", input_tokens: 1000, output_tokens: 200, cost_usd: (1000 * 15 + 200 * 75) / 1e6 }),
    ),
    // its target in this org's own traffic, without errors
    ...Array.from({ length: 10 }, (_, i) => ev(now - (i + 1) * hour, { model: "gpt-4o-mini", input_tokens: 100, output_tokens: 10, cost_usd: 0.00002 })),
    // 45 days ago: outside the default period
    ev(now - 45 * day, { input_tokens: 1_000_000, output_tokens: 0, cost_usd: 2.5 }),
  ]);
});
afterAll(() => f.stop());

beforeEach(async () => {
  await f.lectr.lectr.database.db.delete(routingRules);
  await f.lectr.lectr.rules.refresh();
});

describe("recommendations", () => {
  const gpt4o = { current: 100 * 0.0055, projected: (200_000 * 0.15 + 5_000 * 0.6) / 1e6 };
  const opus = { current: 40 * 0.03, sonnet: (40_000 * 3 + 8_000 * 15) / 1e6, haiku: (40_000 * 0.8 + 8_000 * 4) / 1e6 };

  test("the last 30 days by default, largest saving first, each with its evidence", async () => {
    const r = await reco(`{ recommendations { ${fields} } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.recommendations).toEqual([
      {
        provider: "ANTHROPIC",
        fromModel: "claude-3-opus-20240229",
        toModel: "claude-3-5-haiku-20241022",
        tier: "AGGRESSIVE",
        confidence: "HEURISTIC",
        requests: 40,
        currentCostUsd: expect.closeTo(opus.current, 12),
        projectedCostUsd: expect.closeTo(opus.haiku, 12),
        estimatedSavingsUsd: expect.closeTo(opus.current - opus.haiku, 12),
        monthlySavingsUsd: expect.closeTo(opus.current - opus.haiku, 12),
        tasks: [],
        reason:
          "Judged from output length and error rate (100% of 40 requests untagged): answers average 200 output tokens, within the 300 trusted to aggressive steps; claude-3-5-haiku-20241022 has no traffic of yours in the period to compare error rates with (claude-3-opus-20240229: 0.0%).",
      },
      expect.objectContaining({ fromModel: "claude-3-opus-20240229", toModel: "claude-3-5-sonnet-20241022", tier: "CONSERVATIVE", confidence: "HEURISTIC", estimatedSavingsUsd: expect.closeTo(opus.current - opus.sonnet, 12) }),
      {
        provider: "OPENAI",
        fromModel: "gpt-4o",
        toModel: "gpt-4o-mini",
        tier: "MODERATE",
        confidence: "HIGH",
        requests: 100,
        currentCostUsd: expect.closeTo(gpt4o.current, 12),
        projectedCostUsd: expect.closeTo(gpt4o.projected, 12),
        estimatedSavingsUsd: expect.closeTo(gpt4o.current - gpt4o.projected, 12),
        monthlySavingsUsd: expect.closeTo(gpt4o.current - gpt4o.projected, 12),
        tasks: [{ task: "classification", requests: 90 }],
        reason: "90% of 100 requests are tagged classification, work gpt-4o-mini handles well; its error rate in your traffic (0.0%) is not above gpt-4o's (0.0%).",
      },
    ]);
  });

  test("a period and a provider narrow it; savings per 30 days scale with the period", async () => {
    const r = await reco(`{ openai: recommendations(provider: OPENAI) { fromModel toModel } long: recommendations(period: { preset: LAST_90_DAYS }, provider: OPENAI) { requests currentCostUsd estimatedSavingsUsd monthlySavingsUsd } }`);
    expect(r.data.openai).toEqual([{ fromModel: "gpt-4o", toModel: "gpt-4o-mini" }]);
    const [long] = r.data.long;
    expect(long.requests).toBe(101);
    expect(long.currentCostUsd).toBeCloseTo(gpt4o.current + 2.5, 12);
    expect(long.monthlySavingsUsd).toBeCloseTo(long.estimatedSavingsUsd / 3, 12);
    const old = await reco(`query($from: DateTime!, $to: DateTime!) { recommendations(period: { from: $from, to: $to }) { fromModel } }`, {
      from: new Date(Date.now() - 400 * day).toISOString(),
      to: new Date(Date.now() - 44 * day).toISOString(),
    });
    expect(old.data.recommendations).toEqual([{ fromModel: "gpt-4o" }]);
    expect((await reco(`{ recommendations(period: { preset: LAST_HOUR, from: "2026-01-01" }) { fromModel } }`)).codes).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("applyRecommendation", () => {
  test("creates a rule for a recommended pair, at 10% unless told; the proxy follows it", async () => {
    const r = await reco(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini" });
    expect(r.errors).toBeUndefined();
    expect({ ...r.data.applyRecommendation, id: "" }).toEqual({
      id: "", position: 0, feature: null, task: null, model: "gpt-4o", provider: "OPENAI", targetModel: "gpt-4o-mini", targetProvider: null, percent: 10, enabled: true,
    });
    // the same again is refused; with a task it is another rule
    expect((await reco(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini" })).codes).toEqual(["BAD_USER_INPUT"]);
    const all = await reco(applyMutation, { from: "claude-3-opus-20240229", to: "claude-3-5-haiku-20241022", task: "extraction", percent: 100 });
    expect(all.data.applyRecommendation).toMatchObject({ position: 1, model: "claude-3-opus-20240229", provider: "ANTHROPIC", task: "extraction", percent: 100 });

    for (const m of Object.values(f.mocks)) m.reset();
    const res = await f.post("/v1/chat/completions", { model: "claude-3-opus-20240229", messages: [] }, { "x-lectr-key": recoKey, "x-lectr-task": "extraction", authorization: "Bearer sk-ant-test" });
    await res.text();
    expect((f.mocks.anthropic.requests[0]!.json as { model: string }).model).toBe("claude-3-5-haiku-20241022");
  });

  test.each([
    ["a pair that is not a path", { from: "gpt-4o", to: "gpt-4.1-nano" }],
    ["another provider's model", { from: "gpt-4o", to: "claude-3-5-haiku-20241022" }],
    ["a model the org did not use", { from: "gpt-4.1", to: "gpt-4.1-mini" }],
    ["a model only used before the last 30 days", { from: "gemini-1.5-pro", to: "gemini-1.5-flash" }],
    ["an unknown task", { from: "gpt-4o", to: "gpt-4o-mini", task: "poetry" }],
    ["percent 0", { from: "gpt-4o", to: "gpt-4o-mini", percent: 0 }],
    ["percent 101", { from: "gpt-4o", to: "gpt-4o-mini", percent: 101 }],
  ])("refused: %s", async (_name, variables) => {
    expect((await reco(applyMutation, variables)).codes).toEqual(["BAD_USER_INPUT"]);
    expect((await reco(`{ routingRules { id } }`)).data.routingRules).toEqual([]);
  });
});

describe("tenancy", () => {
  test("an org sees and applies only its own recommendations", async () => {
    expect((await other(`{ recommendations { fromModel } }`)).data.recommendations).toEqual([]);
    // another org's recommendation is not one of its own
    expect((await other(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini" })).codes).toEqual(["BAD_USER_INPUT"]);
    for (const target of [recoOrg, "01900000-0000-7000-8000-000000000000"]) {
      const q = await other(`query($o: ID) { recommendations(orgId: $o) { fromModel } }`, { o: target });
      expect([q.codes, q.data]).toEqual([["FORBIDDEN"], null]);
      const m = await other(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini", o: target });
      expect([m.codes, m.data]).toEqual([["FORBIDDEN"], null]);
    }
    expect((await admin(`{ routingRules(orgId: "${recoOrg}") { id } }`)).data.routingRules).toEqual([]);
  });

  test("the admin names the org", async () => {
    expect((await admin(`{ recommendations { fromModel } }`)).codes).toEqual(["BAD_USER_INPUT"]);
    const r = await admin(`query($o: ID) { recommendations(orgId: $o) { fromModel toModel } }`, { o: recoOrg });
    expect(r.data.recommendations.length).toBe(3);
    expect((await admin(`query($o: ID) { recommendations(orgId: $o) { fromModel } }`, { o: otherOrg })).data.recommendations).toEqual([]);
    const applied = await admin(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini", o: recoOrg });
    expect(applied.data.applyRecommendation.model).toBe("gpt-4o");
    expect((await reco(`{ routingRules { id } }`)).data.routingRules).toEqual([{ id: applied.data.applyRecommendation.id }]);
  });
});

test("each new query costs a fixed number of SQL statements, and the outcome query seeks the rule index", async () => {
  // GraphQL runs its statements on the read connection
  const client = f.lectr.lectr.database.reads.client;
  const statements: string[] = [];
  const execute = client.execute.bind(client);
  client.execute = ((stmt: string | { sql: string }) => {
    statements.push(typeof stmt === "string" ? stmt : stmt.sql);
    return execute(stmt as Parameters<typeof execute>[0]);
  }) as typeof client.execute;
  try {
    const rule = (await reco(applyMutation, { from: "gpt-4o", to: "gpt-4o-mini" })).data.applyRecommendation;
    const count = async (query: string) => {
      statements.length = 0;
      expect((await reco(query)).errors).toBeUndefined();
      return statements.length;
    };
    const queries = {
      recommendations: `{ recommendations { fromModel tasks { task } } }`,
      routingRules: `{ routingRules { id } }`,
      routingRuleStats: `{ routingRuleStats(id: "${rule.id}") { routed { p95LatencyMs } control { requests } } }`,
    };
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const [name, query] of Object.entries(queries)) out[name] = await count(query);
      return out;
    };
    // the org's volume (what a scan of its events costs) is read once a minute
    await reco(queries.routingRuleStats);
    const before = await counts();
    expect(before).toEqual({ recommendations: 2, routingRules: 1, routingRuleStats: 2 });

    // more models, tasks, rules and routed traffic change nothing
    const keyId = (await execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [recoOrg] })).rows[0]!.id as string;
    const now = Date.now();
    await insertEvents(
      f.lectr.lectr.database.writePath,
      Array.from({ length: 500 }, (_, i) => ({
        id: uuidv7(now - i * 60_000), org_id: recoOrg, key_id: keyId, created_at: now - i * 60_000, endpoint: "/v1/chat/completions", provider: "openai",
        provider_source: "detected", provider_unknown: false, model: `gpt-4o${i % 3 ? "" : "-2024-08-06"}`, streamed: false, status: 200, latency_ms: 10 + i,
        price_known: true, cost_usd: 0.001, input_tokens: 10, output_tokens: 1, task: ["chat", "extraction", null][i % 3], routing_rule_id: rule.id,
        routed_from_model: i % 2 ? "gpt-4o" : null,
      })),
    );
    for (let i = 0; i < 5; i++) await reco(`mutation { createRoutingRule(input: { feature: "f${i}", targetModel: "gpt-4o-mini" }) { id } }`);
    expect(await counts()).toEqual(before);

    statements.length = 0;
    await reco(queries.routingRuleStats);
    const sliceSql = statements.find((s) => s.includes("routing_rule_id = ?"))!;
    const plan = await execute({ sql: `EXPLAIN QUERY PLAN ${sliceSql}`, args: [recoOrg, rule.id, 0, now + 1] });
    expect(plan.rows.map((r) => String(r.detail)).join("\n")).toContain("USING INDEX events_org_rule");
  } finally {
    client.execute = execute;
  }
});
