/**
 * Every provider through the real server against mock upstreams that
 * speak each dialect: non-stream and stream, with the exact event row.
 * Expected costs are computed by hand from src/pricing/prices.json.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProviderId } from "../../src/providers/types.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

interface Case {
  provider: ProviderId;
  model: string;
  headers?: Record<string, string>;
  upstreamPath: string;
  responseModel: string;
  /** null: the provider does not report that part. */
  tokens: { input_tokens: number; output_tokens: number; cached_input_tokens: number | null; reasoning_tokens: number | null };
  cost: number;
}

const cases: Case[] = [
  {
    provider: "openai",
    model: "gpt-4o",
    upstreamPath: "/v1/chat/completions",
    responseModel: "gpt-4o-2024-08-06",
    tokens: { input_tokens: 120, output_tokens: 48, cached_input_tokens: 32, reasoning_tokens: 16 },
    // gpt-4o: 88 uncached × $2.50 + 32 cached × $1.25 + 48 out × $10 = 220 + 40 + 480 = 740 µ$
    cost: 0.00074,
  },
  {
    provider: "anthropic",
    model: "claude-3-5-sonnet-20241022",
    upstreamPath: "/v1/chat/completions",
    responseModel: "claude-3-5-sonnet-20241022",
    // the compatibility layer's details are "always empty" (providers.md §2.5): unknown, not 0
    tokens: { input_tokens: 210, output_tokens: 57, cached_input_tokens: null, reasoning_tokens: null },
    // 210 × $3 + 57 × $15 = 630 + 855 = 1485 µ$
    cost: 0.001485,
  },
  {
    provider: "groq",
    model: "llama-3.3-70b-versatile",
    upstreamPath: "/openai/v1/chat/completions",
    responseModel: "llama-3.3-70b-versatile",
    tokens: { input_tokens: 304, output_tokens: 49, cached_input_tokens: 128, reasoning_tokens: 23 },
    // no cached price on this row, so cached tokens bill as input: 304 × $0.59 + 49 × $0.79 = 179.36 + 38.71 µ$
    cost: 0.00021807,
  },
  {
    provider: "gemini",
    model: "gemini-2.5-flash",
    upstreamPath: "/v1beta/openai/chat/completions",
    responseModel: "gemini-2.5-flash",
    // output = total 109 − prompt 35 = 74, of which 62 thinking
    tokens: { input_tokens: 35, output_tokens: 74, cached_input_tokens: null, reasoning_tokens: 62 },
    // 35 × $0.30 + 74 × $2.50 = 10.5 + 185 = 195.5 µ$
    cost: 0.0001955,
  },
  {
    provider: "azure",
    model: "prod-gpt4o",
    headers: { "x-lectr-provider": "azure" },
    upstreamPath: "/openai/deployments/prod-gpt4o/chat/completions",
    responseModel: "gpt-4o-2024-11-20",
    tokens: { input_tokens: 86, output_tokens: 27, cached_input_tokens: 64, reasoning_tokens: 8 },
    // priced as gpt-4o (OpenAI list price): 22 × $2.50 + 64 × $1.25 + 27 × $10 = 55 + 80 + 270 = 405 µ$
    cost: 0.000405,
  },
  {
    provider: "mistral",
    model: "mistral-large-latest",
    upstreamPath: "/v1/chat/completions",
    responseModel: "mistral-large-latest",
    // Mistral reports no cache or reasoning details: unknown, not 0
    tokens: { input_tokens: 140, output_tokens: 60, cached_input_tokens: null, reasoning_tokens: null },
    // 140 × $2 + 60 × $6 = 280 + 360 = 640 µ$
    cost: 0.00064,
  },
  {
    provider: "deepseek",
    model: "deepseek-chat",
    upstreamPath: "/chat/completions",
    responseModel: "deepseek-chat",
    tokens: { input_tokens: 500, output_tokens: 300, cached_input_tokens: 200, reasoning_tokens: 120 },
    // 300 misses × $0.56 + 200 hits × $0.07 + 300 × $1.68 = 168 + 14 + 504 = 686 µ$
    cost: 0.000686,
  },
  {
    provider: "xai",
    model: "grok-4",
    upstreamPath: "/v1/chat/completions",
    responseModel: "grok-4",
    // reasoning reported apart from completion_tokens and billed as output: 30 + 70
    tokens: { input_tokens: 90, output_tokens: 100, cached_input_tokens: 10, reasoning_tokens: 70 },
    // 80 × $3 + 10 × $0.75 + 100 × $15 = 240 + 7.5 + 1500 = 1747.5 µ$
    cost: 0.0017475,
  },
  {
    provider: "openrouter",
    model: "openai/gpt-4o-mini",
    upstreamPath: "/api/v1/chat/completions",
    responseModel: "openai/gpt-4o-mini",
    tokens: { input_tokens: 250, output_tokens: 40, cached_input_tokens: 50, reasoning_tokens: 0 },
    // 200 × $0.15 + 50 × $0.075 + 40 × $0.60 = 30 + 3.75 + 24 = 57.75 µ$
    cost: 0.00005775,
  },
];

async function lastEvent() {
  const events = await f.lectr.events();
  return events[0]!;
}

describe.each(cases)("$provider", (c) => {
  const mock = () => f.mocks[c.provider];
  const headers = { authorization: `Bearer ${providerKeys[c.provider]}`, "x-lectr-feature": "support-bot", "x-lectr-task": "chat", ...c.headers };

  test("non-stream: forwarded unchanged, answered unchanged, one exact event", async () => {
    mock().reset();
    const body = { model: c.model, messages: [{ role: "user", content: "Hi" }], temperature: 0.2 };
    const res = await f.post("/v1/chat/completions", body, headers);
    const text = await res.text();
    expect(res.status).toBe(200);
    // the client receives exactly the bytes the upstream sent
    expect(text).toBe(new TextDecoder().decode(mock().responses[0]!.chunks[0]));
    expect(res.headers.get("x-lectr-provider")).toBe(c.provider);
    const sent = mock().requests[0]!;
    expect(sent.path).toBe(c.upstreamPath);
    expect(sent.bodyText).toBe(JSON.stringify(body));
    expect(Object.keys(sent.headers).filter((h) => h.startsWith("x-lectr"))).toEqual([]);
    if (c.provider === "azure") {
      expect([sent.search, sent.headers["api-key"], sent.headers.authorization]).toEqual(["?api-version=2024-10-21", providerKeys.azure, undefined]);
    } else {
      expect(sent.headers.authorization).toBe(`Bearer ${providerKeys[c.provider]}`);
    }
    const e = await lastEvent();
    expect(e.id).toBe(res.headers.get("x-lectr-request-id")!);
    expect({ ...e, cost_usd: undefined }).toMatchObject({
      org_id: f.lectr.orgId,
      endpoint: "/v1/chat/completions",
      provider: c.provider,
      provider_source: c.headers ? "header" : "detected",
      provider_unknown: false,
      model: c.model,
      response_model: c.responseModel,
      streamed: false,
      status: 200,
      error_code: null,
      ...c.tokens,
      price_known: true,
      feature: "support-bot",
      task: "chat",
    });
    expect(e.cost_usd!).toBeCloseTo(c.cost, 12);
    expect(e.latency_ms).toBeGreaterThan(0);
  });

  test("stream: same tokens and cost; usage taken once, never summed", async () => {
    mock().reset();
    const res = await f.post("/v1/chat/completions", { model: c.model, stream: true, messages: [{ role: "user", content: "Hi" }] }, headers);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const e = await lastEvent();
    expect({ streamed: e.streamed, status: e.status, error_code: e.error_code, response_model: e.response_model }).toEqual({
      streamed: true,
      status: 200,
      error_code: null,
      response_model: c.responseModel,
    });
    expect({ input_tokens: e.input_tokens, output_tokens: e.output_tokens, cached_input_tokens: e.cached_input_tokens, reasoning_tokens: e.reasoning_tokens }).toEqual(c.tokens);
    expect(e.cost_usd!).toBeCloseTo(c.cost, 12);
    expect(e.ttfb_ms).not.toBeNull();
    expect(e.ttfb_ms!).toBeLessThanOrEqual(e.latency_ms);
  });
});

describe("other endpoints", () => {
  test("embeddings are recorded with input tokens and cost", async () => {
    f.mocks.openai.reset();
    const res = await f.post("/v1/embeddings", { model: "text-embedding-3-small", input: "hello" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string };
    expect(body.object).toBe("list");
    const e = await lastEvent();
    expect({ endpoint: e.endpoint, input_tokens: e.input_tokens, output_tokens: e.output_tokens }).toEqual({
      endpoint: "/v1/embeddings",
      input_tokens: 120,
      output_tokens: 0,
    });
    // 120 × $0.02 / 1M
    expect(e.cost_usd!).toBeCloseTo(0.0000024, 12);
  });

  test("a body too large to read whole (> 8 MB) streams through, usage read from its tail", async () => {
    f.mocks.openai.reset();
    const data = Array.from({ length: 3000 }, (_, i) => ({ object: "embedding", index: i, embedding: "A".repeat(3000) }));
    const raw = JSON.stringify({ object: "list", data, model: "text-embedding-3-large", usage: { prompt_tokens: 5000, total_tokens: 5000 } });
    expect(raw.length).toBeGreaterThan(8 * 1024 * 1024);
    f.mocks.openai.setBehavior({ rawBody: raw });
    const res = await f.post("/v1/embeddings", { model: "text-embedding-3-large", input: ["x"] });
    expect((await res.text()) === raw).toBe(true);
    const e = await lastEvent();
    expect([e.input_tokens, e.output_tokens]).toEqual([5000, 0]);
    // 5000 × $0.13 / 1M
    expect(e.cost_usd!).toBeCloseTo(0.00065, 12);
  });

  test("GET /v1/models goes to the default provider, or the one named in the header", async () => {
    f.mocks.openai.reset();
    f.mocks.groq.reset();
    const a = await f.lectr.request(`/v1/models`, { headers: { "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai" } });
    expect(a.status).toBe(200);
    expect(f.mocks.openai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"]);
    const b = await f.lectr.request(`/v1/models`, {
      headers: { "x-lectr-key": f.lectr.key, authorization: `Bearer ${providerKeys.groq}`, "x-lectr-provider": "GROQ" },
    });
    expect(b.status).toBe(200);
    expect(f.mocks.groq.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /openai/v1/models"]);
    const e = await lastEvent();
    expect([e.endpoint, e.provider, e.provider_source, e.model]).toEqual(["/v1/models", "groq", "header", ""]);
  });

  test("any other /v1 path passes through with method, path, query and body", async () => {
    f.mocks.openai.reset();
    const res = await f.lectr.request(`/v1/files/file-abc/content?limit=3&after=x`, {
      method: "DELETE",
      headers: { "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai" },
    });
    const r = f.mocks.openai.requests[0]!;
    expect([r.method, r.path, r.search]).toEqual(["DELETE", "/v1/files/file-abc/content", "?limit=3&after=x"]);
    // the mock does not serve that path: its 404 reaches the client as the provider sent it
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(new TextDecoder().decode(f.mocks.openai.responses[0]!.chunks[0]));
    const e = await lastEvent();
    expect([e.status, e.error_code]).toEqual([404, "upstream_error"]);
  });

  test("an unknown model goes to openai, is never blocked, and is marked provider_unknown", async () => {
    f.mocks.openai.reset();
    const res = await f.post("/v1/chat/completions", { model: "my-custom-model", messages: [] });
    expect(res.status).toBe(200);
    expect(f.mocks.openai.requests.length).toBe(1);
    const e = await lastEvent();
    expect([e.provider, e.provider_source, e.provider_unknown, e.price_known, e.cost_usd]).toEqual(["openai", "default", true, false, null]);
  });

  test("a body that is not JSON is still forwarded to the default provider and recorded", async () => {
    f.mocks.openai.reset();
    const res = await f.post("/v1/chat/completions", "this is not json");
    expect(f.mocks.openai.requests[0]!.bodyText).toBe("this is not json");
    expect(res.status).toBe(f.mocks.openai.responses[0]!.status);
    const e = await lastEvent();
    expect([e.model, e.provider, e.provider_source, e.status]).toEqual(["", "openai", "default", res.status]);
  });
});
