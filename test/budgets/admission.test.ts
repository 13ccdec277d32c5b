/**
 * Budgets and rate limits on the request path of one real server: blocked
 * requests, narrowed budgets, every route counted, cut streams charged,
 * the GraphQL API and the Prometheus series.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { orgMaker } from "./orgs.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { waitFor } from "../helpers/wait-for.ts";
import OpenAI from "openai";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const newOrg = orgMaker(() => f, "budget-org");

const chat = (key: string, headers: Record<string, string> = {}, body: Record<string, unknown> = {}) =>
  f.post("/v1/chat/completions", { model: "gpt-4o-mini", max_tokens: 48, messages: [{ role: "user", content: "hi" }], ...body }, { "x-lectr-key": key, ...headers });

const budgetFields = "id name spentUsd reservedUsd remainingUsd forecastUsd state resetsAt periodStart amountUsd thresholds action feature period timeZone";

async function createBudget(gql: Gql, input: Record<string, unknown>) {
  const res = await gql(`mutation($input: BudgetInput!) { createBudget(input: $input) { ${budgetFields} } }`, { input });
  expect(res.errors).toBeUndefined();
  return res.data.createBudget;
}

async function eventsOf(orgId: string) {
  return f.lectr.events(orgId);
}

describe("block budgets", () => {
  test("a used-up budget answers 402 budget_exceeded, names itself and its reset, and records the refusal at cost 0", async () => {
    const { orgId, key, gql } = await newOrg();
    // each call: ~$0.0000319 reserved, $0.0000444 spent (120 prompt tokens, 32 cached, 48 out at gpt-4o-mini prices)
    const b = await createBudget(gql, { name: "tiny", period: "DAY", amountUsd: 0.0001, action: "BLOCK" });
    expect(b).toMatchObject({ name: "tiny", spentUsd: 0, reservedUsd: 0, remainingUsd: 0.0001, state: "OK", thresholds: [50, 80, 100], timeZone: "UTC" });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await chat(key);
      statuses.push(res.status);
      if (res.status === 402) refused = res;
      else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 402]);
    const body = (await refused!.json()) as { error: { message: string; type: string; code: string } };
    // what is left ($0.0001 − 2 × $0.0000444) is named, with what the call would reserve
    expect(body.error).toEqual({
      message: `Budget "tiny" has $0.0000112 left for this period, less than this call may cost ($0.0000319; a lower max_tokens reserves less); it resets at ${b.resetsAt}.`,
      type: "insufficient_quota",
      code: "budget_exceeded",
      param: null,
    } as never);
    expect([refused!.headers.get("x-should-retry"), refused!.headers.get("x-lectr-budget-id")]).toEqual(["false", b.id]);
    const events = await eventsOf(orgId);
    expect(events.map((e) => [e.status, e.error_code, e.status === 402 ? e.cost_usd : "priced"])).toEqual([
      [402, "budget_exceeded", 0],
      [200, null, "priced"],
      [200, null, "priced"],
    ]);
    // the spend the database holds shows up in GraphQL within a sync round
    const spent = events.filter((e) => e.status === 200).reduce((s, e) => s + e.cost_usd!, 0);
    const read = await waitFor(async () => {
      const r = (await gql(`{ budgets { ${budgetFields} } }`)).data.budgets[0];
      return Math.abs(r.spentUsd - spent) < 1e-12 && r.reservedUsd === 0 ? r : undefined;
    });
    expect(read.state).toBe("WARNING");
  });

  test("the openai SDK surfaces budget_exceeded at once, without retrying it", async () => {
    const { orgId, key, gql } = await newOrg();
    await createBudget(gql, { name: "none left", period: "DAY", amountUsd: 0.000001, action: "BLOCK" });
    const client = new OpenAI({ apiKey: "sk-test-openai", baseURL: `${f.lectr.url}/v1`, defaultHeaders: { "X-Lectr-Key": key }, maxRetries: 3 });
    const err = await client.chat.completions.create({ model: "gpt-4o-mini", max_tokens: 48, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect([(err as InstanceType<typeof OpenAI.APIError>).status, (err as InstanceType<typeof OpenAI.APIError>).code]).toEqual([402, "budget_exceeded"]);
    // one attempt, one event: no retry
    expect((await eventsOf(orgId)).map((e) => e.status)).toEqual([402]);
  });

  test("a block budget narrowed to a feature blocks only that feature", async () => {
    const { orgId, key, gql } = await newOrg();
    await createBudget(gql, { name: "search only", feature: "search", period: "MONTH", timeZone: "Europe/Berlin", amountUsd: 0.00004, action: "BLOCK" });
    const first = await chat(key, { "x-lectr-feature": "search" });
    await first.arrayBuffer();
    const second = await chat(key, { "x-lectr-feature": "search" });
    await second.arrayBuffer();
    const other = await chat(key, { "x-lectr-feature": "chat" });
    await other.arrayBuffer();
    const untagged = await chat(key);
    await untagged.arrayBuffer();
    expect([first.status, second.status, other.status, untagged.status]).toEqual([200, 402, 200, 200]);
    expect((await eventsOf(orgId)).filter((e) => e.error_code === "budget_exceeded").map((e) => e.feature)).toEqual(["search"]);
  });

  test("pass-through routes count and are held: legacy completions, embeddings, model listing", async () => {
    const { orgId, key, gql } = await newOrg();
    const b = await createBudget(gql, { name: "all routes", period: "WEEK", amountUsd: 0.00005, action: "BLOCK" });
    const completion = await f.post("/v1/completions", { model: "gpt-4o-mini", prompt: "hi", max_tokens: 48 }, { "x-lectr-key": key });
    expect(completion.status).toBe(200);
    await completion.arrayBuffer();
    const cost = (await eventsOf(orgId))[0]!.cost_usd!;
    expect(cost).toBeGreaterThan(0);
    await waitFor(async () => (await gql(`{ budgets { spentUsd } }`)).data.budgets[0].spentUsd === cost);
    // $0.0000444 of $0.00005 spent: the next call's reservation does not fit
    const refused = [
      await f.post("/v1/embeddings", { model: "text-embedding-3-small", input: "x".repeat(4000) }, { "x-lectr-key": key }),
      await f.post("/v1/completions", { model: "gpt-4o-mini", prompt: "hi", max_tokens: 48 }, { "x-lectr-key": key }),
    ];
    expect(refused.map((r) => r.status)).toEqual([402, 402]);
    // fill it up: then even a free listing is refused
    await gql(`mutation($id: ID!, $input: BudgetInput!) { updateBudget(id: $id, input: $input) { id } }`, {
      id: b.id,
      input: { name: "all routes", period: "WEEK", amountUsd: cost, action: "BLOCK" },
    });
    const models = await f.lectr.request("/v1/models", { headers: { "x-lectr-key": key, authorization: "Bearer sk-test-openai" } });
    expect(models.status).toBe(402);
  });

  test("a failed call releases its reservation and costs nothing", async () => {
    const { gql, key } = await newOrg();
    await createBudget(gql, { name: "failures", period: "DAY", amountUsd: 0.00005, action: "BLOCK" });
    f.mocks.openai.setBehavior({ status: 500 });
    try {
      for (let i = 0; i < 3; i++) expect((await chat(key)).status).toBe(500);
    } finally {
      f.mocks.openai.reset();
    }
    expect((await gql(`{ budgets { spentUsd reservedUsd } }`)).data.budgets[0]).toEqual({ spentUsd: 0, reservedUsd: 0 });
    // the whole amount is still there for a call that works
    const ok = await chat(key);
    expect(ok.status).toBe(200);
  });

  test("a stream the client cancels is charged for what it used", async () => {
    const { orgId, key, gql } = await newOrg();
    await createBudget(gql, { name: "streams", period: "DAY", amountUsd: 10, action: "ALERT" });
    f.mocks.openai.setBehavior({ chunkDelayMs: 30, contentChunks: Array.from({ length: 40 }, (_, i) => `w${i} `) });
    try {
      const res = await chat(key, {}, { stream: true, max_tokens: 1000 });
      const reader = res.body!.getReader();
      let chunks = 0;
      let text = "";
      while (chunks < 5) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        chunks = text.split("\n\n").filter((e) => e.startsWith("data: {")).length;
      }
      await reader.cancel();
      const event = await waitFor(async () => (await eventsOf(orgId)).find((e) => e.error_code === "client_aborted"));
      expect(event.cost_source).toBe("estimated");
      // the prompt's size plus about one token per chunk that passed, never the 1000 reserved
      expect(event.cost_usd).toBeGreaterThan(0);
      expect(event.cost_usd!).toBeLessThan((50 * 0.15 + 45 * 0.6) / 1e6);
      await waitFor(async () => {
        const b = (await gql(`{ budgets { spentUsd reservedUsd } }`)).data.budgets[0];
        return b.spentUsd === event.cost_usd && b.reservedUsd === 0;
      });
    } finally {
      f.mocks.openai.reset();
    }
  });
});

describe("rate limits", () => {
  test("requests per minute on one key: 429 rate_limit_exceeded with retry-after and x-ratelimit-* headers; other keys pass", async () => {
    const { orgId, key, gql } = await newOrg();
    const keyId = (await f.lectr.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [orgId] })).rows[0]!.id as string;
    const created = await gql(`mutation($input: RateLimitInput!) { createRateLimit(input: $input) { id name keyId requestsPerMinute tokensPerMinute } }`, {
      input: { name: "per key", keyId, requestsPerMinute: 2 },
    });
    expect(created.data.createRateLimit).toMatchObject({ name: "per key", keyId, requestsPerMinute: 2, tokensPerMinute: null });
    const minuteLeft = 60_000 - (Date.now() % 60_000);
    // a minute boundary in the middle would reset the window
    if (minuteLeft < 3_000) await waitFor(() => Date.now() % 60_000 < 30_000, { timeoutMs: 5_000 });
    const res = [await chat(key), await chat(key), await chat(key)];
    for (const r of res) await r.arrayBuffer();
    expect(res.map((r) => r.status)).toEqual([200, 200, 429]);
    const h = res[2]!.headers;
    expect(Number(h.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect([h.get("x-ratelimit-limit-requests"), h.get("x-ratelimit-remaining-requests"), h.get("x-ratelimit-reset-requests")?.endsWith("s")]).toEqual(["2", "0", true]);
    const events = await eventsOf(orgId);
    expect(events.filter((e) => e.status === 429).map((e) => [e.error_code, e.cost_usd])).toEqual([["rate_limit_exceeded", 0]]);
    // a second key of the same org is not limited
    const { createKey } = await import("../../src/db/orgs.ts");
    const other = await createKey(f.lectr.lectr.database.db, orgId);
    const fine = await chat(other.key);
    expect(fine.status).toBe(200);
  });
});

describe("GraphQL", () => {
  test("create, list, update and delete budgets, limits and webhooks; bad input is refused; other orgs see nothing", async () => {
    const a = await newOrg();
    const b = await newOrg();
    const bad = await a.gql(`mutation { createBudget(input: { name: "x", period: DAY, amountUsd: 1, action: BLOCK, timeZone: "Mars/Base" }) { id } }`);
    expect([bad.codes, bad.errors?.[0]?.message]).toEqual([["BAD_USER_INPUT"], 'timeZone "Mars/Base" is not an IANA time zone']);
    const neg = await a.gql(`mutation { createBudget(input: { name: "x", period: DAY, amountUsd: -1, action: BLOCK }) { id } }`);
    expect(neg.codes).toEqual(["BAD_USER_INPUT"]);
    const budget = await createBudget(a.gql, { name: "m", period: "MONTH", amountUsd: 5, action: "ALERT", thresholds: [90, 25], model: "gpt-4o*" });
    expect(budget.thresholds).toEqual([25, 90]);
    const dup = await a.gql(`mutation { createBudget(input: { name: "m", period: DAY, amountUsd: 1, action: BLOCK }) { id } }`);
    expect(dup.errors?.[0]?.message).toBe("The org already has a budget with that name.");
    const limit = await a.gql(`mutation { createRateLimit(input: { name: "l", requestsPerMinute: 10, tokensPerMinute: 1000 }) { id } }`);
    const noLimit = await a.gql(`mutation { createRateLimit(input: { name: "l2" }) { id } }`);
    expect(noLimit.errors?.[0]?.message).toBe("set requestsPerMinute, tokensPerMinute or both");
    const hook = await a.gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", format: SLACK }) { webhook { id url format } secret } }`);
    expect(hook.data.createWebhook).toMatchObject({ webhook: { url: "http://127.0.0.1:9/hook", format: "SLACK" }, secret: expect.stringMatching(/^whsec_/) });
    const listed = await a.gql(`{ budgets { name } rateLimits { name } webhooks { url } budgetAlerts { id } webhookDeliveries { id } }`);
    expect(listed.data).toEqual({ budgets: [{ name: "m" }], rateLimits: [{ name: "l" }], webhooks: [{ url: "http://127.0.0.1:9/hook" }], budgetAlerts: [], webhookDeliveries: [] });
    const seenByB = await b.gql(`{ budgets { name } rateLimits { name } webhooks { url } }`);
    expect(seenByB.data).toEqual({ budgets: [], rateLimits: [], webhooks: [] });
    const crossDelete = await b.gql(`mutation($id: ID!) { deleteBudget(id: $id) }`, { id: budget.id });
    expect(crossDelete.data.deleteBudget).toBe(false);
    const removed = await a.gql(`mutation($b: ID!, $l: ID!, $w: ID!) { deleteBudget(id: $b) deleteRateLimit(id: $l) deleteWebhook(id: $w) }`, {
      b: budget.id,
      l: limit.data.createRateLimit.id,
      w: hook.data.createWebhook.webhook.id,
    });
    expect(removed.data).toEqual({ deleteBudget: true, deleteRateLimit: true, deleteWebhook: true });
  });

  test("webhook URLs pass the same checks as Azure endpoints", async () => {
    // this server refuses private upstreams
    const { startLectr } = await import("../helpers/lectr.ts");
    await using l = await startLectr();
    const gql = gqlClient(l, orgKey(l.key));
    const refused = await Promise.all(
      ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://user:pw@hooks.example.com/x", "not a url"].map(async (url) => {
        const r = await gql(`mutation($url: String!) { createWebhook(input: { url: $url, format: JSON }) { secret } }`, { url });
        return r.codes[0];
      }),
    );
    expect(refused).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"]);
  });
});
