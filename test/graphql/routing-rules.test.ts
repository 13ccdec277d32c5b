/**
 * Routing rules through GraphQL against a real server and mock upstreams:
 * a change applies to the very next proxied request (the mutation reloads the
 * rules), order decides, a provider change needs its key, the outcome query
 * compares the routed slice with the control group, bad input changes
 * nothing, and no org reaches another's rules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { routingRules, type EventRow } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-routing-rule-tests";
const fields = "id position feature task model provider targetModel targetProvider percent enabled createdAt updatedAt";
const createMutation = `mutation($i: RoutingRuleInput!, $o: ID) { createRoutingRule(input: $i, orgId: $o) { ${fields} } }`;
const listQuery = `query($o: ID) { routingRules(orgId: $o) { ${fields} } }`;

let f: Fixture;
let a: Gql;
let b: Gql;
let admin: Gql;
let orgB: string;
let keyB: string;

type Rule = {
  id: string;
  position: number;
  feature: string | null;
  task: string | null;
  model: string | null;
  provider: string | null;
  targetModel: string;
  targetProvider: string | null;
  percent: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

async function create(gql: Gql, input: Record<string, unknown>, orgId?: string): Promise<Rule> {
  const r = await gql(createMutation, { i: input, o: orgId });
  expect(r.errors).toBeUndefined();
  return r.data.createRoutingRule;
}
const list = async (gql: Gql, orgId?: string): Promise<Rule[]> => (await gql(listQuery, { o: orgId })).data.routingRules;

/** Sends a chat request as org A (or with other headers) and returns the model the upstream saw. */
async function sentModel(model: string, headers: Record<string, string> = {}, provider: keyof Fixture["mocks"] = "openai"): Promise<string> {
  for (const m of Object.values(f.mocks)) m.reset();
  const res = await f.post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Hi" }] }, headers);
  expect(res.status).toBe(200);
  await res.text();
  return (f.mocks[provider].requests[0]!.json as { model: string }).model;
}

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  a = gqlClient(f.lectr, orgKey(f.lectr.key));
  const created = await createOrg(f.lectr.lectr.database.db, "globex");
  orgB = created.org.id;
  keyB = created.key;
  b = gqlClient(f.lectr, orgKey(keyB));
  admin = gqlClient(f.lectr, bearer(adminToken));
});
afterAll(() => f.stop());

beforeEach(async () => {
  await f.lectr.lectr.database.db.delete(routingRules);
  await f.lectr.lectr.rules.refresh();
});

test("a rule created through GraphQL rewrites the very next proxied request", async () => {
  expect(await sentModel("gpt-4o")).toBe("gpt-4o");
  const rule = await create(a, { model: "gpt-4o", targetModel: "gpt-4o-mini" });
  const now = Date.now();
  expect({ ...rule, id: "", createdAt: "", updatedAt: "" }).toEqual({
    id: "",
    position: 0,
    feature: null,
    task: null,
    model: "gpt-4o",
    provider: null,
    targetModel: "gpt-4o-mini",
    targetProvider: null,
    percent: 100,
    enabled: true,
    createdAt: "",
    updatedAt: "",
  });
  expect(Math.abs(Date.parse(rule.createdAt) - now)).toBeLessThan(5_000);
  // no waiting for the 2 s reload: the mutation reloaded this process's rules
  expect(await sentModel("gpt-4o")).toBe("gpt-4o-mini");
  const e = (await f.lectr.events())[0]!;
  expect([e.model, e.routed_from_model, e.routing_rule_id]).toEqual(["gpt-4o-mini", "gpt-4o", rule.id]);
});

test("create, list, reorder, update, delete: each change decides the next request", async () => {
  const nano = await create(a, { task: "classification", targetModel: "gpt-4.1-nano" });
  const mini = await create(a, { model: "gpt-4o*", provider: "OPENAI", targetModel: "gpt-4o-mini", percent: 100 });
  expect((await list(a)).map((r) => [r.id, r.position])).toEqual([
    [nano.id, 0],
    [mini.id, 1],
  ]);
  const classify = { "x-lectr-task": "classification" };
  expect(await sentModel("gpt-4o", classify)).toBe("gpt-4.1-nano");
  expect(await sentModel("gpt-4o")).toBe("gpt-4o-mini");

  const reordered = await a(`mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id position } }`, { ids: [mini.id, nano.id] });
  expect(reordered.data.reorderRoutingRules).toEqual([
    { id: mini.id, position: 0 },
    { id: nano.id, position: 1 },
  ]);
  expect(await sentModel("gpt-4o", classify)).toBe("gpt-4o-mini");

  const updated = await a(`mutation($id: ID!, $i: RoutingRuleInput!) { updateRoutingRule(id: $id, input: $i) { ${fields} } }`, {
    id: mini.id,
    i: { targetModel: "gpt-4o-mini", enabled: false },
  });
  // only what was given changed; the position stayed
  expect({ ...updated.data.updateRoutingRule, updatedAt: "" }).toEqual({ ...(await list(a))[0], updatedAt: "" });
  expect(updated.data.updateRoutingRule).toMatchObject({ id: mini.id, position: 0, model: "gpt-4o*", provider: "OPENAI", percent: 100, enabled: false });
  expect(await sentModel("gpt-4o", classify)).toBe("gpt-4.1-nano");

  const deleted = await a(`mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: nano.id });
  expect(deleted.data).toEqual({ deleteRoutingRule: true });
  expect(await sentModel("gpt-4o", classify)).toBe("gpt-4o");
  expect((await list(a)).map((r) => r.id)).toEqual([mini.id]);
  // new rules go after the last one, whatever positions are left
  const third = await create(a, { feature: "search", targetModel: "gpt-4.1-mini" });
  expect(third.position).toBe(1);
});

test("a rule that moves provider is skipped without the target's key and routed with it; routingRuleStats counts both", async () => {
  const rule = await create(a, { model: "gpt-4o", targetModel: "claude-haiku-4-5", targetProvider: "ANTHROPIC" });
  expect(await sentModel("gpt-4o")).toBe("gpt-4o");
  expect((await f.lectr.events())[0]!.routing_skipped).toBe("missing_provider_key");
  expect(await sentModel("gpt-4o", { "X-Lectr-Provider-Key-Anthropic": providerKeys.anthropic }, "anthropic")).toBe("claude-haiku-4-5");
  await f.lectr.lectr.recorder.settled();
  const stats = await a(`query($id: ID!) { routingRuleStats(id: $id) { rule { id } routed { requests } control { requests } skipped } }`, { id: rule.id });
  expect(stats.data.routingRuleStats).toEqual({ rule: { id: rule.id }, routed: { requests: 1 }, control: { requests: 0 }, skipped: 1 });
});

describe("routingRuleStats on fixed traffic", () => {
  const T = Date.UTC(2026, 4, 4, 10, 30);
  const period = { from: new Date(T).toISOString(), to: new Date(T + 3_600_000).toISOString() };
  const q = `query($id: ID!, $p: PeriodInput) { routingRuleStats(id: $id, period: $p) {
    rule { id } from to skipped
    routed { requests errors errorRate costUsd costPerRequestUsd avgLatencyMs p95LatencyMs }
    control { requests errors errorRate costUsd costPerRequestUsd avgLatencyMs p95LatencyMs } } }`;

  test("the routed slice against the control group of the same rule, in the period only", async () => {
    const rule = await create(a, { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 40 });
    const other = await create(a, { model: "gpt-4.1", targetModel: "gpt-4.1-mini" });
    const keyId = (await f.lectr.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [f.lectr.orgId] })).rows[0]!.id as string;
    let i = 0;
    const ev = (o: Partial<EventRow>, at = T + 1000 + i++): EventRow => ({
      id: uuidv7(at), org_id: f.lectr.orgId, key_id: keyId, created_at: at, endpoint: "/v1/chat/completions", provider: "openai",
      provider_source: "detected", provider_unknown: false, model: "gpt-4o", streamed: false, status: 200, latency_ms: 200,
      input_tokens: 100, output_tokens: 10, cost_usd: 0.01, price_known: true, routing_rule_id: rule.id, ...o,
    });
    const routed = (o: Partial<EventRow> = {}, at?: number) => ev({ model: "gpt-4o-mini", routed_from_model: "gpt-4o", latency_ms: 100, cost_usd: 0.001, ...o }, at);
    await insertEvents(f.lectr.lectr.database.writePath, [
      // routed: 19 answered at 100 ms for $0.001, one 429 after 1 s with no cost
      ...Array.from({ length: 19 }, () => routed()),
      routed({ status: 429, error_code: "upstream_error", latency_ms: 1000, cost_usd: null, input_tokens: null, output_tokens: null }),
      // control: 27 answered at 200 ms for $0.01, three 500s
      ...Array.from({ length: 27 }, () => ev({})),
      ...Array.from({ length: 3 }, () => ev({ status: 500, error_code: "upstream_error", cost_usd: null })),
      // skipped (a provider key was missing)
      ev({ routing_skipped: "missing_provider_key" }),
      ev({ routing_skipped: "missing_provider_key" }),
      // not this rule, no rule, before and at the end of the period
      ev({ routing_rule_id: other.id }),
      ev({ routing_rule_id: null }),
      ev({}, T - 1),
      routed({}, T + 3_600_000),
    ]);
    const r = await a(q, { id: rule.id, p: period });
    expect(r.errors).toBeUndefined();
    expect(r.data.routingRuleStats).toEqual({
      rule: { id: rule.id },
      from: period.from,
      to: period.to,
      skipped: 2,
      routed: {
        requests: 20,
        errors: 1,
        errorRate: 0.05,
        costUsd: expect.closeTo(0.019, 12),
        costPerRequestUsd: expect.closeTo(0.001, 12),
        avgLatencyMs: (19 * 100 + 1000) / 20,
        // the 19th of 20 is in the histogram bucket [100, 158.5) ms: its geometric middle
        p95LatencyMs: expect.closeTo(Math.sqrt(100 * 10 ** 2.2), 9),
      },
      control: { requests: 30, errors: 3, errorRate: 0.1, costUsd: expect.closeTo(0.27, 12), costPerRequestUsd: expect.closeTo(0.01, 12), avgLatencyMs: 200, p95LatencyMs: 200 },
    });
    // a rule with no traffic in the period: zeros and nulls
    const empty = await a(q, { id: other.id, p: { from: period.to, to: new Date(T + 7_200_000).toISOString() } });
    expect(empty.data.routingRuleStats.routed).toEqual({ requests: 0, errors: 0, errorRate: 0, costUsd: 0, costPerRequestUsd: null, avgLatencyMs: null, p95LatencyMs: null });
  });
});

describe("BAD_USER_INPUT, and nothing changes", () => {
  const refused: [string, string, Record<string, unknown>][] = [
    ["percent 0", createMutation, { i: { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 0 } }],
    ["percent 101", createMutation, { i: { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 101 } }],
    ["a * before the end of model", createMutation, { i: { model: "gpt-*-mini", targetModel: "gpt-4o-mini" } }],
    ["a * in targetModel", createMutation, { i: { model: "gpt-4o", targetModel: "gpt-*" } }],
    ["no match field", createMutation, { i: { targetModel: "gpt-4o-mini" } }],
    ["an unknown task", createMutation, { i: { task: "poetry", targetModel: "gpt-4o-mini" } }],
    ["a target of another provider on this one", createMutation, { i: { model: "gpt-4o", targetModel: "claude-haiku-4-5" } }],
    ["update: percent 0", `mutation($id: ID!, $i: RoutingRuleInput!) { updateRoutingRule(id: $id, input: $i) { id } }`, { id: "RULE", i: { targetModel: "gpt-4o-mini", percent: 0 } }],
    ["update: clearing every match field", `mutation($id: ID!, $i: RoutingRuleInput!) { updateRoutingRule(id: $id, input: $i) { id } }`, { id: "RULE", i: { targetModel: "gpt-4o-mini", model: null } }],
    ["reorder: an id missing", `mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id } }`, { ids: [] }],
    ["reorder: an id twice", `mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id } }`, { ids: ["RULE", "RULE"] }],
    ["reorder: an unknown id", `mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id } }`, { ids: ["01900000-0000-7000-8000-000000000000"] }],
    ["stats: a bad period", `query($id: ID!) { routingRuleStats(id: $id, period: { preset: LAST_HOUR, from: "2026-01-01" }) { skipped } }`, { id: "RULE" }],
  ];

  test.each(refused)("%s", async (_name, query, variables) => {
    const rule = await create(a, { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 10 });
    const before = await list(a);
    const vars = JSON.parse(JSON.stringify(variables).replaceAll('"RULE"', JSON.stringify(rule.id)));
    const r = await a(query, vars);
    expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    expect(await list(a)).toEqual(before);
  });

  test("a provider that is not one is refused by the schema", async () => {
    const r = await a(createMutation, { i: { model: "gpt-4o", targetModel: "gpt-4o-mini", provider: "MISTRAL" } });
    expect([r.errors?.length, await list(a)]).toEqual([1, []]);
  });

  test("at most 100 rules per org", async () => {
    await f.lectr.lectr.database.db.insert(routingRules).values(
      Array.from({ length: 100 }, (_, i) => ({ id: uuidv7(), org_id: f.lectr.orgId, position: i, feature: `f${i}`, target_model: "gpt-4o-mini", created_at: 0, updated_at: 0 })),
    );
    const r = await a(createMutation, { i: { model: "gpt-4o", targetModel: "gpt-4o-mini" } });
    expect([r.codes, (await list(a)).length]).toEqual([["BAD_USER_INPUT"], 100]);
  });
});

describe("tenancy", () => {
  const unknown = "01900000-0000-7000-8000-000000000000";

  test("an org key reaches its own org's rules only: other orgs' ids and unknown ids answer FORBIDDEN alike", async () => {
    const bRule = await create(b, { model: "gpt-4o", targetModel: "gpt-4o-mini" });
    const aRule = await create(a, { feature: "a-only", targetModel: "gpt-4.1-nano" });
    const bBefore = await list(b);
    const attempts: [string, string, Record<string, unknown>][] = [
      ["routingRules", listQuery, { o: orgB }],
      ["createRoutingRule", createMutation, { i: { model: "gpt-4o", targetModel: "gpt-4.1-nano" }, o: orgB }],
      ["updateRoutingRule", `mutation($id: ID!) { updateRoutingRule(id: $id, input: { targetModel: "gpt-4.1-nano" }) { id } }`, { id: "TARGET" }],
      ["deleteRoutingRule", `mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: "TARGET" }],
      ["reorderRoutingRules", `mutation($o: ID) { reorderRoutingRules(ids: [], orgId: $o) { id } }`, { o: orgB }],
      ["routingRuleStats", `query($id: ID!) { routingRuleStats(id: $id) { skipped } }`, { id: "TARGET" }],
    ];
    for (const [name, query, variables] of attempts) {
      for (const target of [bRule.id, unknown]) {
        const r = await a(query, JSON.parse(JSON.stringify(variables).replaceAll('"TARGET"', JSON.stringify(target))));
        expect([name, r.codes, r.data]).toEqual([name, ["FORBIDDEN"], null]);
      }
    }
    // B's ids in A's reorder are just ids A does not have
    const reorder = await a(`mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id } }`, { ids: [bRule.id] });
    expect(reorder.codes).toEqual(["BAD_USER_INPUT"]);
    expect(await list(b)).toEqual(bBefore);
    expect((await list(a)).map((r) => r.id)).toEqual([aRule.id]);
    // B's rule does not touch A's traffic, and A's rule not B's
    expect(await sentModel("gpt-4o")).toBe("gpt-4o");
    expect(await sentModel("gpt-4o", { "x-lectr-key": keyB })).toBe("gpt-4o-mini");
    expect(await sentModel("gpt-4o", { "x-lectr-key": keyB, "x-lectr-feature": "a-only" })).toBe("gpt-4o-mini");
  });

  test("the admin reaches any org's rules, naming the org where no rule id does", async () => {
    expect((await admin(listQuery, {})).codes).toEqual(["BAD_USER_INPUT"]);
    expect((await admin(listQuery, { o: unknown })).codes).toEqual(["BAD_USER_INPUT"]);
    const rule = await create(admin, { model: "gpt-4o", targetModel: "gpt-4o-mini" }, orgB);
    expect(await list(b)).toEqual([rule]);
    expect(await sentModel("gpt-4o", { "x-lectr-key": keyB })).toBe("gpt-4o-mini");
    const updated = await admin(`mutation($id: ID!) { updateRoutingRule(id: $id, input: { targetModel: "gpt-4.1-nano" }) { targetModel } }`, { id: rule.id });
    expect(updated.data.updateRoutingRule).toEqual({ targetModel: "gpt-4.1-nano" });
    expect((await admin(`mutation($ids: [ID!]!, $o: ID) { reorderRoutingRules(ids: $ids, orgId: $o) { id } }`, { ids: [rule.id], o: orgB })).data.reorderRoutingRules).toEqual([{ id: rule.id }]);
    expect((await admin(`query($id: ID!) { routingRuleStats(id: $id) { rule { id } } }`, { id: rule.id })).data.routingRuleStats.rule.id).toBe(rule.id);
    expect((await admin(`mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: rule.id })).data.deleteRoutingRule).toBe(true);
    expect((await admin(`mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: rule.id })).codes).toEqual(["BAD_USER_INPUT"]);
    expect(await list(b)).toEqual([]);
  });
});
