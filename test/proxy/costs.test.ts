/**
 * Exact costs through the real server: the mock upstreams are told the usage
 * and the model they answer with, and each stored event and the
 * x-lectr-cost-usd header must hold the hand-computed cost. Every expected
 * value is Σ tokens × USD per 1M tokens from src/pricing/prices.json (or the
 * test's LECTR_PRICES_FILE), divided by 1e6 once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOrg } from "../../src/db/orgs.ts";
import type { ProviderId } from "../../src/providers/types.ts";
import type { Behavior } from "../helpers/mock-upstream.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";

const dir = mkdtempSync(join(tmpdir(), "lectr-costs-"));
const pricesFile = join(dir, "prices.json");
const row = { effective_from: "1970-01-01", reasoning_per_mtok: null, source: "test price file", as_of: "2026-01-01" };
writeFileSync(
  pricesFile,
  JSON.stringify([
    // a model billed for cache writes (OpenAI's gpt-5.6 reports cache_write_tokens, providers.md §1.5)
    { ...row, provider: "openai", model: "lectr-test-cache-writer", input_per_mtok: 2, cached_input_per_mtok: 0.2, cache_write_per_mtok: 2.5, output_per_mtok: 8 },
    // replaces the built-in gpt-4.1-mini row (0.4 / 0.1 / 1.6)
    { ...row, provider: "openai", model: "gpt-4.1-mini", input_per_mtok: 0.5, cached_input_per_mtok: null, cache_write_per_mtok: null, output_per_mtok: 2 },
  ]),
);

let f: Fixture;
let gql: Gql;
let other: { key: string; orgId: string };
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_PRICES_FILE: pricesFile } });
  gql = gqlClient(f.lectr, orgKey(f.lectr.key));
  const created = await createOrg(f.lectr.lectr.database.db, "globex");
  other = { key: created.key, orgId: created.org.id };
  // the org's own prices: a discount on gpt-4o-mini (from a past date), and where its Azure deployment runs
  const price = await gql(`mutation { setModelPrice(model: "gpt-4o-mini", provider: OPENAI, inputPerMTok: 0.1, outputPerMTok: 0.4, effectiveFrom: "2020-01-01") { id } }`);
  expect(price.errors).toBeUndefined();
  const azure = await gql(`mutation($e: String!) { setAzureSettings(endpoint: $e, apiVersion: "2024-10-21", deployments: [{ deployment: "prod-gpt4o", model: "gpt-4o-mini" }]) { azure { endpoint } } }`, {
    e: f.mocks.azure.baseUrl,
  });
  expect(azure.errors).toBeUndefined();
});
afterAll(async () => {
  await f.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (model: string, extra: object = {}) => ({ model, messages: [{ role: "user", content: "Hi" }], ...extra });
const usage = (promptTokens: number, completionTokens: number, more: { cachedTokens?: number; reasoningTokens?: number } = {}) => ({
  promptTokens,
  completionTokens,
  cachedTokens: more.cachedTokens ?? 0,
  reasoningTokens: more.reasoningTokens ?? 0,
});
const openaiBody = (model: string, u: object) => JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model, choices: [], usage: u });
const groqStream = readFileSync(join(import.meta.dir, "../fixtures/groq-stream.sse"), "utf8")
  .split(/(?<=\n\n)/)
  .filter((frame) => frame.trim() !== "");

interface Case {
  name: string;
  provider: ProviderId;
  path?: string;
  body: object;
  headers?: Record<string, string>;
  behavior: Behavior;
  /** What the event must hold. */
  want: { cost_usd: number | null; cost_source: string; price_known: boolean; response_model?: string | null; input_tokens?: number | null };
  /** The x-lectr-cost-usd header: only for a known cost of a body read whole. */
  header: string | null;
}

const cases: Case[] = [
  {
    name: "plain",
    provider: "openai",
    body: chat("gpt-4o"),
    behavior: { usage: usage(1000, 500), responseModel: "gpt-4o-2024-08-06" },
    // 1000 × 2.5 + 500 × 10 = 7500 → $0.0075 (the dated id is billed at gpt-4o's row)
    want: { cost_usd: 0.0075, cost_source: "registry", price_known: true, response_model: "gpt-4o-2024-08-06" },
    header: "0.0075",
  },
  {
    name: "cached input, OpenAI shape (prompt_tokens_details.cached_tokens)",
    provider: "openai",
    body: chat("gpt-4o"),
    behavior: { usage: usage(2000, 100, { cachedTokens: 1500 }) },
    // uncached 500 × 2.5 = 1250; cached 1500 × 1.25 = 1875; output 100 × 10 = 1000 → 4125 → $0.004125
    want: { cost_usd: 0.004125, cost_source: "registry", price_known: true },
    header: "0.004125",
  },
  {
    name: "cached input, Anthropic compat shape (top-level usage.cached_tokens)",
    provider: "anthropic",
    body: chat("claude-sonnet-4-5"),
    headers: { authorization: `Bearer ${providerKeys.anthropic}` },
    behavior: {
      rawBody: openaiBody("claude-sonnet-4-5-20250929", { prompt_tokens: 10_000, completion_tokens: 400, total_tokens: 10_400, cached_tokens: 6000 }),
    },
    // uncached 4000 × 3 = 12000; cache read 6000 × 0.3 = 1800; output 400 × 15 = 6000 → 19800 → $0.0198
    want: { cost_usd: 0.0198, cost_source: "registry", price_known: true, response_model: "claude-sonnet-4-5-20250929" },
    header: "0.0198",
  },
  {
    name: "cache write (cache_write_tokens) at the model's cache-write rate",
    provider: "openai",
    body: chat("lectr-test-cache-writer"),
    behavior: {
      rawBody: openaiBody("lectr-test-cache-writer", { prompt_tokens: 4020, completion_tokens: 10, total_tokens: 4030, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 4012 } }),
    },
    // uncached 8 × 2 = 16; written 4012 × 2.5 = 10030; output 10 × 8 = 80 → 10126 → $0.010126
    want: { cost_usd: 0.010126, cost_source: "registry", price_known: true },
    header: "0.010126",
  },
  {
    name: "the cache read that follows it",
    provider: "openai",
    body: chat("lectr-test-cache-writer"),
    behavior: {
      rawBody: openaiBody("lectr-test-cache-writer", { prompt_tokens: 4020, completion_tokens: 10, total_tokens: 4030, prompt_tokens_details: { cached_tokens: 4012 } }),
    },
    // uncached 8 × 2 = 16; read 4012 × 0.2 = 802.4; output 10 × 8 = 80 → 898.4 → $0.0008984
    want: { cost_usd: 0.0008984, cost_source: "registry", price_known: true },
    header: "0.0008984",
  },
  {
    name: "cache write on a model without a cache-write rate: billed as input",
    provider: "openai",
    body: chat("gpt-4o"),
    behavior: {
      rawBody: openaiBody("gpt-4o-2024-08-06", { prompt_tokens: 4020, completion_tokens: 10, total_tokens: 4030, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 4012 } }),
    },
    // 4020 × 2.5 = 10050; output 10 × 10 = 100 → 10150 → $0.01015
    want: { cost_usd: 0.01015, cost_source: "registry", price_known: true },
    header: "0.01015",
  },
  {
    name: "reasoning: inside completion_tokens, billed once",
    provider: "openai",
    body: chat("o3-mini"),
    behavior: { usage: usage(1000, 2000, { reasoningTokens: 1500 }), responseModel: "o3-mini-2025-01-31" },
    // 1000 × 1.1 + 2000 × 4.4 = 1100 + 8800 = 9900 → $0.0099 (not (2000 + 1500) × 4.4)
    want: { cost_usd: 0.0099, cost_source: "registry", price_known: true },
    header: "0.0099",
  },
  {
    name: "Groq stream with usage only in x_groq.usage",
    provider: "groq",
    body: chat("deepseek-r1-distill-llama-70b", { stream: true }),
    headers: { authorization: `Bearer ${providerKeys.groq}` },
    behavior: { rawSse: groqStream },
    // test/fixtures/groq-stream.sse: 21 × 0.75 + 988 × 0.99 = 15.75 + 978.12 = 993.87 → $0.00099387
    want: { cost_usd: 0.00099387, cost_source: "registry", price_known: true, input_tokens: 21 },
    // a stream's usage comes at its end, after the headers
    header: null,
  },
  {
    name: "embeddings: input only",
    provider: "openai",
    path: "/v1/embeddings",
    body: { model: "text-embedding-3-small", input: "hello" },
    behavior: { usage: { promptTokens: 8000 } },
    // 8000 × 0.02 = 160 → $0.00016
    want: { cost_usd: 0.00016, cost_source: "registry", price_known: true },
    header: "0.00016",
  },
  {
    name: "Azure deployment priced by the model its response names",
    provider: "azure",
    body: chat("prod-gpt4o"),
    headers: { "x-lectr-provider": "azure", "api-key": providerKeys.azure },
    behavior: { usage: usage(1000, 500) },
    // the mock's deployment runs gpt-4o-2024-11-20, at OpenAI's gpt-4o list price: 2500 + 5000 → $0.0075
    // (the org's map says gpt-4o-mini, but the response's model comes first)
    want: { cost_usd: 0.0075, cost_source: "registry", price_known: true, response_model: "gpt-4o-2024-11-20" },
    header: "0.0075",
  },
  {
    name: "Azure deployment whose response names no model: priced by the org's deployment map",
    provider: "azure",
    body: chat("prod-gpt4o"),
    headers: { "x-lectr-provider": "azure", "api-key": providerKeys.azure },
    behavior: { usage: usage(1000, 500), responseModel: "" },
    // prod-gpt4o → gpt-4o-mini: 1000 × 0.15 + 500 × 0.6 = 150 + 300 = 450 → $0.00045
    // (the org's OpenAI discount on gpt-4o-mini is OpenAI's, not Azure's)
    want: { cost_usd: 0.00045, cost_source: "registry", price_known: true, response_model: null },
    header: "0.00045",
  },
  {
    name: "the org's own price, matched through the dated id the response names",
    provider: "openai",
    body: chat("gpt-4o-mini"),
    behavior: { usage: usage(1000, 500), responseModel: "gpt-4o-mini-2024-07-18" },
    // override 0.1 / 0.4: 1000 × 0.1 + 500 × 0.4 = 100 + 200 = 300 → $0.0003 (registry would be $0.00045)
    want: { cost_usd: 0.0003, cost_source: "org_override", price_known: true },
    header: "0.0003",
  },
  {
    name: "a row from LECTR_PRICES_FILE replaces the built-in one",
    provider: "openai",
    body: chat("gpt-4.1-mini"),
    behavior: { usage: usage(1000, 500) },
    // file row 0.5 / 2: 500 + 1000 = 1500 → $0.0015 (built-in would be 400 + 800 → $0.0012)
    want: { cost_usd: 0.0015, cost_source: "registry", price_known: true },
    header: "0.0015",
  },
  {
    name: "an unpriced model: null, never $0",
    provider: "openai",
    body: chat("gpt-unknown-9"),
    behavior: { usage: usage(1000, 500) },
    want: { cost_usd: null, cost_source: "unpriced", price_known: false, input_tokens: 1000 },
    header: null,
  },
];

describe.each(cases)("$name", (c) => {
  test("event and header hold the hand-computed cost", async () => {
    const mock = f.mocks[c.provider];
    mock.reset();
    mock.setBehavior(c.behavior);
    const res = await f.post(c.path ?? "/v1/chat/completions", c.body, c.headers);
    await res.text();
    mock.reset();
    expect(res.status).toBe(200);
    const e = (await f.lectr.events())[0]!;
    expect(e.id).toBe(res.headers.get("x-lectr-request-id")!);
    const { cost_usd, ...rest } = c.want;
    expect(e).toMatchObject(rest);
    if (cost_usd === null) expect(e.cost_usd).toBeNull();
    else expect(e.cost_usd!).toBeCloseTo(cost_usd, 15);
    expect(res.headers.get("x-lectr-cost-usd")).toBe(c.header);
  });
});

test("another org's request for the same model gets no discount: overrides are per org", async () => {
  f.mocks.openai.setBehavior({ usage: usage(1000, 500) });
  const res = await f.post("/v1/chat/completions", chat("gpt-4o-mini"), { "x-lectr-key": other.key });
  await res.text();
  f.mocks.openai.reset();
  // 150 + 300 → $0.00045, the registry's price
  expect(res.headers.get("x-lectr-cost-usd")).toBe("0.00045");
  const e = (await f.lectr.events(other.orgId))[0]!;
  expect([e.id, e.cost_source]).toEqual([res.headers.get("x-lectr-request-id")!, "registry"]);
});

test("an upstream error has no cost header; the event says whether the model has a price", async () => {
  f.mocks.openai.setBehavior({ status: 500 });
  const res = await f.post("/v1/chat/completions", chat("gpt-4o"));
  await res.text();
  f.mocks.openai.reset();
  expect([res.status, res.headers.get("x-lectr-cost-usd")]).toEqual([500, null]);
  const e = (await f.lectr.events())[0]!;
  expect([e.cost_usd, e.price_known, e.cost_source]).toEqual([null, true, "registry"]);
});

describe("unknown = loud", () => {
  const warnings = () =>
    f.lectr.logs
      .map((line) => JSON.parse(line) as { level: string; msg: string; model?: string })
      .filter((l) => l.level === "warn" && l.msg.startsWith("model has no price"))
      .map((l) => l.model);
  const send = async (model: string, behavior: Behavior) => {
    f.mocks.openai.setBehavior(behavior);
    await (await f.post("/v1/chat/completions", chat(model))).text();
    f.mocks.openai.reset();
  };

  test("an unpriced model warns once per model per hour, with or without usage; errors and priced models do not", async () => {
    await send("loud-unpriced", { usage: usage(10, 5) });
    await send("loud-unpriced", { usage: usage(10, 5) });
    // a success without usage still leaves something out of the totals
    await send("loud-no-usage", { rawBody: JSON.stringify({ id: "c", object: "chat.completion", model: "loud-no-usage", choices: [] }) });
    // a failed call costs nothing: nothing is missing from the totals
    await send("loud-failing", { status: 500 });
    // priced by the org's own price: known
    await send("gpt-4o-mini", { usage: usage(10, 5) });
    await f.lectr.lectr.recorder.settled();
    expect(warnings().filter((m) => m?.startsWith("loud-"))).toEqual(["loud-unpriced", "loud-no-usage"]);
    expect(warnings()).not.toContain("gpt-4o-mini");
  });
});
