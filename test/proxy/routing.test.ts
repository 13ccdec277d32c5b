/** Routing rules applied by the proxy: the mock upstream sees the rewritten model, the event tells the story. */
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { routingRules } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

async function setRules(rules: Partial<typeof routingRules.$inferInsert>[]) {
  const db = f.lectr.lectr.database.db;
  await db.delete(routingRules);
  if (rules.length > 0) {
    await db.insert(routingRules).values(
      rules.map((r, i) => ({ id: uuidv7(), org_id: f.lectr.orgId, position: i, target_model: "gpt-4o-mini", created_at: 0, updated_at: 0, ...r })),
    );
  }
  await f.lectr.lectr.rules.refresh();
}

beforeEach(() => {
  for (const m of Object.values(f.mocks)) m.reset();
});

test("a rule rewrites the model the upstream sees; the event records both models and the rule", async () => {
  await setRules([{ id: "rule-mini", model: "gpt-4o", target_model: "gpt-4o-mini" }]);
  const res = await f.post("/v1/chat/completions", { model: "gpt-4o", temperature: 0.3, messages: [{ role: "user", content: "Hi" }] });
  expect(res.status).toBe(200);
  expect(f.mocks.openai.requests[0]!.json).toEqual({ model: "gpt-4o-mini", temperature: 0.3, messages: [{ role: "user", content: "Hi" }] });
  const e = (await f.lectr.events())[0]!;
  expect([e.model, e.routed_from_model, e.routing_rule_id, e.routing_skipped]).toEqual(["gpt-4o-mini", "gpt-4o", "rule-mini", null]);
  // priced as what actually ran: gpt-4o-mini (88 × 0.15 + 32 × 0.075 + 48 × 0.60) / 1M
  expect(e.cost_usd!).toBeCloseTo((88 * 0.15 + 32 * 0.075 + 48 * 0.6) / 1e6, 12);
  // a request the rule does not match goes as sent
  await (await f.post("/v1/chat/completions", { model: "gpt-4.1", messages: [] })).text();
  expect((f.mocks.openai.requests[1]!.json as { model: string }).model).toBe("gpt-4.1");
  expect((await f.lectr.events())[0]!.routing_rule_id).toBeNull();
});

test("a rule that changes provider uses X-Lectr-Provider-Key-<provider>; without it the rule is skipped, never blocking", async () => {
  await setRules([{ id: "rule-haiku", task: "classification", target_model: "claude-haiku-4-5", target_provider: "anthropic" }]);
  const skipped = await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] }, { "x-lectr-task": "classification" });
  expect(skipped.status).toBe(200);
  expect(f.mocks.openai.requests.length).toBe(1);
  let e = (await f.lectr.events())[0]!;
  expect([e.provider, e.model, e.routing_rule_id, e.routing_skipped, e.routed_from_model]).toEqual(["openai", "gpt-4o", "rule-haiku", "missing_provider_key", null]);

  const routed = await f.post(
    "/v1/chat/completions",
    { model: "gpt-4o", stream: true, messages: [] },
    { "x-lectr-task": "classification", "X-Lectr-Provider-Key-Anthropic": providerKeys.anthropic },
  );
  expect(routed.status).toBe(200);
  expect(routed.headers.get("x-lectr-provider")).toBe("anthropic");
  await routed.text();
  const sent = f.mocks.anthropic.requests[0]!;
  expect(sent.headers.authorization).toBe(`Bearer ${providerKeys.anthropic}`);
  expect(Object.keys(sent.headers).filter((h) => h.startsWith("x-lectr"))).toEqual([]);
  expect((sent.json as { model: string }).model).toBe("claude-haiku-4-5");
  e = (await f.lectr.events())[0]!;
  expect([e.provider, e.model, e.routed_from_model, e.routing_skipped, e.input_tokens]).toEqual(["anthropic", "claude-haiku-4-5", "gpt-4o", null, 210]);
});

test("percent: a stable share of matching requests is routed; the rest is recorded as the rule's control group", async () => {
  await setRules([{ id: "rule-half", model: "gpt-4o*", target_model: "gpt-4o-mini", percent: 30 }]);
  // in batches: this process is both client and upstream, and its fetch runs at most 256 at once
  for (let i = 0; i < 300; i += 50) {
    await Promise.all(Array.from({ length: 50 }, () => f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] }).then((r) => r.text())));
  }
  const events = (await f.lectr.events()).slice(0, 300);
  const routed = events.filter((e) => e.routed_from_model === "gpt-4o");
  const control = events.filter((e) => e.routing_rule_id === "rule-half" && e.routed_from_model === null);
  expect(routed.length + control.length).toBe(300);
  // 30% of 300 = 90, with room for chance
  expect(routed.length).toBeGreaterThan(60);
  expect(routed.length).toBeLessThan(120);
  expect(f.mocks.openai.requests.filter((r) => (r.json as { model: string }).model === "gpt-4o-mini").length).toBe(routed.length);
});

test("disabled rules and other orgs' rules do nothing", async () => {
  await setRules([{ id: "off", model: "gpt-4o", enabled: false }]);
  await (await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] })).text();
  expect((f.mocks.openai.requests[0]!.json as { model: string }).model).toBe("gpt-4o");
  await setRules([]);
});

test("rules are not consulted on /v1/responses or /v1/messages: the body goes byte for byte, no rule on the event", async () => {
  await setRules([
    { id: "rule-all-openai", model: "*", provider: "openai", target_model: "gpt-4o-mini" },
    { id: "rule-all-claude", model: "claude-*", target_model: "claude-haiku-4-5" },
  ]);
  const responses = `{"model":"gpt-4o","input":"Hi"}`;
  const res = await f.lectr.request(`/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, authorization: `Bearer ${providerKeys.openai}` },
    body: responses,
  });
  expect(res.status).toBe(200);
  expect(f.mocks.openai.requests[0]!.bodyText).toBe(responses);
  const messages = `{"model":"claude-sonnet-4-5-20250929","max_tokens":8,"messages":[]}`;
  const res2 = await f.lectr.request(`/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, "x-api-key": providerKeys.anthropic },
    body: messages,
  });
  expect(res2.status).toBe(200);
  expect(f.mocks.anthropic.requests[0]!.bodyText).toBe(messages);
  const [m, r] = await f.lectr.events();
  expect([r!.model, r!.routing_rule_id, m!.model, m!.routing_rule_id]).toEqual(["gpt-4o", null, "claude-sonnet-4-5-20250929", null]);
});
