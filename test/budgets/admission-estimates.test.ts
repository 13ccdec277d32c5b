/**
 * Estimates a client cannot game, and calls whose cost cannot be estimated,
 * on one real server: `n` outputs reserve n times, also against tokens per
 * minute; a run of tiny calls cannot lower the no-cap reservation; input
 * stored at the provider, unpriced models, unmapped Azure deployments and
 * routes Lectr cannot estimate get 402 budget_unmeasurable under a block
 * budget unless it exempts them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setAzureSettings } from "../../src/db/orgs.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { orgMaker } from "./orgs.ts";
import type { Gql } from "../graphql/client.ts";
import { waitFor } from "../helpers/wait-for.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const newOrg = orgMaker(() => f, "estimate-org");

async function createBudget(gql: Gql, input: Record<string, unknown>): Promise<{ id: string }> {
  const res = await gql(`mutation($input: BudgetInput!) { createBudget(input: $input) { id exempt } }`, { input });
  expect(res.errors).toBeUndefined();
  return res.data.createBudget;
}

const post = async (key: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const res = await f.post(path, body, { "x-lectr-key": key, ...headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, error: res.status >= 400 ? (JSON.parse(text) as { error: { code: string; message: string } }).error : undefined };
};

/** A prompt of ~170 tokens by size: the reservation's input covers the mock's 120 prompt tokens. */
const prompt = [{ role: "user", content: "x".repeat(600) }];

describe("outputs asked for", () => {
  test("n: 20 reserves twenty outputs: 40 parallel calls stay within a $0.005 block budget", async () => {
    const { orgId, key, gql } = await newOrg();
    await createBudget(gql, { name: "n", period: "DAY", amountUsd: 0.005, action: "BLOCK" });
    // twenty outputs of 48 tokens each: $0.000594 a call at gpt-4o-mini prices
    f.mocks.openai.setBehavior({ usage: { promptTokens: 120, completionTokens: 960, cachedTokens: 0, reasoningTokens: 0 } });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => post(key, "/v1/chat/completions", { model: "gpt-4o-mini", max_tokens: 48, n: 20, messages: prompt })));
      expect(answers.every((a) => a.status === 200 || (a.status === 402 && a.error?.code === "budget_exceeded"))).toBe(true);
      const events = await f.lectr.events(orgId);
      const spent = events.reduce((s, e) => s + (e.cost_usd ?? 0), 0);
      expect(events.filter((e) => e.status === 200).length).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(0.005);
    } finally {
      f.mocks.openai.reset();
    }
  });

  test("tokens per minute count n: calls of 20 × 48 tokens stop at 5,000 tokens", async () => {
    const { orgId, key, gql } = await newOrg();
    const created = await gql(`mutation { createRateLimit(input: { name: "tpm", tokensPerMinute: 5000 }) { id } }`);
    expect(created.errors).toBeUndefined();
    f.mocks.openai.setBehavior({ usage: { promptTokens: 120, completionTokens: 960, cachedTokens: 0, reasoningTokens: 0 } });
    try {
      // a minute boundary in the middle would reset the window
      await waitFor(() => Date.now() % 60_000 < 45_000, { timeoutMs: 20_000 });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await post(key, "/v1/chat/completions", { model: "gpt-4o-mini", max_tokens: 48, n: 20, messages: prompt })).status);
      const admitted = (await f.lectr.events(orgId)).filter((e) => e.status === 200);
      const tokens = admitted.reduce((s, e) => s + e.input_tokens! + e.output_tokens!, 0);
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
      expect(tokens).toBeLessThanOrEqual(5000);
    } finally {
      f.mocks.openai.reset();
    }
  });
});

describe("calls without a cap", () => {
  test("many tiny calls do not lower the no-cap reservation: an uncapped gpt-4o call still reserves 4,096 output tokens", async () => {
    const { orgId, key, gql } = await newOrg();
    const budget = await createBudget(gql, { name: "floor", period: "DAY", amountUsd: 0.03, action: "BLOCK" });
    f.mocks.openai.setBehavior({ usage: { promptTokens: 10, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0 } });
    try {
      for (let i = 0; i < 30; i++) expect((await post(key, "/v1/chat/completions", { model: "gpt-4o", max_tokens: 1, messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
      // the sync thread has seen all thirty (their outputs of 1 token are the org's recent p95 now)
      const spent = (await f.lectr.events(orgId)).reduce((s, e) => s + e.cost_usd!, 0);
      await waitFor(async () => Math.abs((await gql(`{ budgets { spentUsd } }`)).data.budgets[0].spentUsd - spent) < 1e-12);
      // 4,096 tokens at $10/M = $0.041 do not fit in the $0.03 − $0.0011 left
      const uncapped = await post(key, "/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
      expect([uncapped.status, uncapped.error?.code, uncapped.headers.get("x-lectr-budget-id")]).toEqual([402, "budget_exceeded", budget.id]);
      expect(uncapped.error?.message).toContain("a lower max_tokens reserves less");
      // a call that says how much it may answer fits
      expect((await post(key, "/v1/chat/completions", { model: "gpt-4o", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
    } finally {
      f.mocks.openai.reset();
    }
  });
});

describe("costs that cannot be estimated at admission", () => {
  test("input stored at the provider (previous_response_id, conversation, a stored prompt) is refused under a block budget, with how to exempt it", async () => {
    const { orgId, key, gql } = await newOrg();
    const budget = await createBudget(gql, { name: "responses", period: "DAY", amountUsd: 1, action: "BLOCK" });
    const bodies = [{ previous_response_id: "resp_abc" }, { conversation: "conv_1" }, { prompt: { id: "pmpt_1" } }];
    const answers = [];
    for (const extra of bodies) answers.push(await post(key, "/v1/responses", { model: "gpt-4o-mini", input: "and then?", max_output_tokens: 50, ...extra }));
    expect(answers.map((a) => [a.status, a.error?.code, a.headers.get("x-should-retry")])).toEqual(bodies.map(() => [402, "budget_unmeasurable", "false"]));
    expect(answers[0]!.error?.message).toBe(
      'Budget "responses" blocks calls whose cost Lectr cannot estimate before they run, and this one\'s cannot: part of its input (previous_response_id) is stored at the provider, not sent in the request, so its size is unknown; send the input itself. ' +
        'To let such calls through, add "/v1/responses" to the budget\'s exempt list (updateBudget, exempt).',
    );
    // a background response reports its usage only when read later
    const background = await post(key, "/v1/responses", { model: "gpt-4o-mini", input: "later", max_output_tokens: 50, background: true });
    expect([background.status, background.error?.code]).toEqual([402, "budget_unmeasurable"]);
    // the same calls with the whole input pass
    expect((await post(key, "/v1/responses", { model: "gpt-4o-mini", input: "and then?", max_output_tokens: 50 })).status).toBe(200);
    // exempting the route lets them through; their recorded cost still counts
    const updated = await gql(`mutation($id: ID!, $input: BudgetInput!) { updateBudget(id: $id, input: $input) { exempt } }`, {
      id: budget.id,
      input: { name: "responses", period: "DAY", amountUsd: 1, action: "BLOCK", exempt: ["/v1/responses"] },
    });
    expect(updated.data.updateBudget.exempt).toEqual(["/v1/responses"]);
    expect((await post(key, "/v1/responses", { model: "gpt-4o-mini", input: "and then?", max_output_tokens: 50, previous_response_id: "resp_abc" })).status).toBe(200);
    // every refusal is recorded once, at cost 0
    const refusals = (await f.lectr.events(orgId)).filter((e) => e.error_code === "budget_unmeasurable");
    expect(refusals.map((e) => [e.status, e.cost_usd])).toEqual([0, 1, 2, 3].map(() => [402, 0]));
  });

  test("an unpriced model and an Azure deployment without a model mapping: 402 budget_unmeasurable; priced or exempt, they pass; alert budgets never refuse", async () => {
    const { orgId, key, gql } = await newOrg();
    await setAzureSettings(f.lectr.lectr.database.db, orgId, { endpoint: f.mocks.azure.baseUrl, apiVersion: "2024-10-21" });
    const budget = await createBudget(gql, { name: "priced only", period: "DAY", amountUsd: 1, action: "BLOCK" });
    await createBudget(gql, { name: "watching", period: "DAY", amountUsd: 0.000001, action: "ALERT" });
    const unpriced = await post(key, "/v1/chat/completions", { model: "my-own-model", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect([unpriced.status, unpriced.error?.code]).toEqual([402, "budget_unmeasurable"]);
    expect(unpriced.error?.message).toContain('model "my-own-model" has no price (set one with the setModelPrice mutation');
    expect(unpriced.error?.message).toContain('add "my-own-model" to the budget\'s exempt list');
    const azure = await post(key, "/v1/chat/completions", { model: "unmapped-deployment", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, { "x-lectr-provider": "azure", "api-key": "test-azure-key" });
    expect([azure.status, azure.error?.code]).toEqual([402, "budget_unmeasurable"]);
    // a price makes the model measurable
    const setPrice = await gql(`mutation { setModelPrice(provider: OPENAI, model: "my-own-model", inputPerMTok: 1, outputPerMTok: 2) { model } }`);
    expect(setPrice.errors).toBeUndefined();
    expect((await post(key, "/v1/chat/completions", { model: "my-own-model", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
    // a model exempt by prefix passes unpriced
    await gql(`mutation($id: ID!, $input: BudgetInput!) { updateBudget(id: $id, input: $input) { id } }`, {
      id: budget.id,
      input: { name: "priced only", period: "DAY", amountUsd: 1, action: "BLOCK", exempt: ["unmapped-*", "local-*"] },
    });
    // an exempt unpriced call passes, and the budget shows it as a call of unknown cost, never as $0
    expect((await post(key, "/v1/chat/completions", { model: "local-llm", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
    const shown = await waitFor(async () => {
      const all = (await gql(`{ budgets { name unknownCostCalls spentUsd } }`)).data.budgets as { name: string; unknownCostCalls: number; spentUsd: number }[];
      const b = all.find((x) => x.name === "priced only")!;
      return b.unknownCostCalls === 1 ? b : undefined;
    });
    const priced = (await f.lectr.events(orgId)).filter((e) => e.status === 200 && e.cost_usd !== null).reduce((s, e) => s + e.cost_usd!, 0);
    expect(shown.spentUsd).toBeCloseTo(priced, 12);
    f.mocks.azure.reset();
    const exempt = await post(key, "/v1/chat/completions", { model: "unmapped-deployment", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, { "x-lectr-provider": "azure", "api-key": "test-azure-key" });
    // forwarded: whatever the deployment answers, the budget did not refuse it
    expect([exempt.status === 402, f.mocks.azure.requests.map((r) => r.path.includes("unmapped-deployment"))]).toEqual([false, [true]]);
  });

  test("routes whose cost Lectr cannot see at admission (batches, images, fine-tuning) are refused; free ones and exempt ones pass", async () => {
    const { key, gql } = await newOrg();
    const budget = await createBudget(gql, { name: "routes", period: "DAY", amountUsd: 0.01, action: "BLOCK" });
    const routes = ["/v1/batches", "/v1/images/generations", "/v1/fine_tuning/jobs", "/v1/audio/speech"];
    const refused = [];
    for (const path of routes) refused.push(await post(key, path, { model: "gpt-4o-mini", input: "x" }));
    expect(refused.map((r) => [r.status, r.error?.code])).toEqual(routes.map(() => [402, "budget_unmeasurable"]));
    expect(refused[0]!.error?.message).toContain('Lectr cannot tell what POST "/v1/batches" costs before it runs');
    // listing models and moderations cost nothing: they pass
    const models = await f.lectr.request("/v1/models", { headers: { "x-lectr-key": key, authorization: "Bearer sk-test-openai" } });
    await models.arrayBuffer();
    expect(models.status).not.toBe(402);
    expect((await post(key, "/v1/moderations", { input: "x" })).status).not.toBe(402);
    await gql(`mutation($id: ID!, $input: BudgetInput!) { updateBudget(id: $id, input: $input) { id } }`, {
      id: budget.id,
      input: { name: "routes", period: "DAY", amountUsd: 0.01, action: "BLOCK", exempt: ["/v1/images/*"] },
    });
    expect((await post(key, "/v1/images/generations", { model: "gpt-image-1", prompt: "a cat" })).status).not.toBe(402);
    expect((await post(key, "/v1/batches", { input_file_id: "file-1" })).status).toBe(402);
  });

  test("exempt lists are bounded", async () => {
    const { gql } = await newOrg();
    const res = await gql(`mutation($input: BudgetInput!) { createBudget(input: $input) { id } }`, {
      input: { name: "many", period: "DAY", amountUsd: 1, action: "BLOCK", exempt: Array.from({ length: 21 }, (_, i) => `/v1/r${i}`) },
    });
    expect(res.errors?.[0]?.message).toBe("exempt must be at most 20 routes or models of 1 to 256 characters");
  });
});
