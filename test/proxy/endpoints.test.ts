/**
 * OpenAI's Responses API and Anthropic's Messages API through the real server, against mock
 * upstreams speaking each format: the body reaches the provider byte for byte, the client gets
 * the provider's bytes, and exactly one event holds the exact tokens and cost. Expected costs are
 * Σ tokens × USD per 1M tokens from src/pricing/prices.json, worked out in each case.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatUsd } from "../../src/proxy/respond.ts";
import type { Behavior, MockUpstream } from "../helpers/mock-upstream.ts";
import { concatBytes } from "../../src/lib/bytes.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const decoder = new TextDecoder();
const weatherTool = { type: "function", name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } } } };
const anthropicTool = { name: "get_weather", description: "Weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } } } };
const toolCall = { name: "get_weather", arguments: '{"city":"Paris"}' };

interface Case {
  name: string;
  path: "/v1/responses" | "/v1/messages";
  mock: () => MockUpstream;
  /** Sent as written: odd spacing and key order, so any re-serialisation would show. */
  body: (stream: boolean) => string;
  headers: Record<string, string>;
  behavior: Behavior;
  event: {
    provider: string;
    response_model: string;
    input_tokens: number;
    output_tokens: number;
    cached_input_tokens: number | null;
    cache_write_tokens: number | null;
    cache_write_1h_tokens?: number | null;
    reasoning_tokens: number | null;
  };
  cost: number;
  /** Something the client's answer must contain. */
  answerHas: string;
}

const stream = (s: boolean) => (s ? `,\n  "stream" : true` : "");
const openaiHeaders = { authorization: `Bearer ${providerKeys.openai}` };
const anthropicHeaders = { "x-api-key": providerKeys.anthropic, "anthropic-version": "2023-06-01", "anthropic-beta": "prompt-caching-2024-07-31" };

const cases: Case[] = [
  {
    name: "Responses: text",
    path: "/v1/responses",
    mock: () => f.mocks.openai,
    body: (s) => `{ "input":"Say hi",  "model": "gpt-4o-mini"${stream(s)}, "store" :false }`,
    headers: openaiHeaders,
    behavior: { usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 40, reasoningTokens: 0 } },
    event: { provider: "openai", response_model: "gpt-4o-mini", input_tokens: 100, output_tokens: 20, cached_input_tokens: 40, cache_write_tokens: null, reasoning_tokens: 0 },
    // gpt-4o-mini: 60 uncached × $0.15 + 40 cached × $0.075 + 20 out × $0.60 = 9 + 3 + 12 = 24 µ$
    cost: 0.000024,
    answerHas: "Hello from the mock upstream.",
  },
  {
    name: "Responses: function call",
    path: "/v1/responses",
    mock: () => f.mocks.openai,
    body: (s) => JSON.stringify({ model: "gpt-4.1", input: "Weather in Paris?", tools: [weatherTool], ...(s ? { stream: true } : {}) }, null, 1),
    headers: openaiHeaders,
    behavior: { toolCall, usage: { promptTokens: 80, completionTokens: 18, cachedTokens: 0, reasoningTokens: 0 } },
    event: { provider: "openai", response_model: "gpt-4.1", input_tokens: 80, output_tokens: 18, cached_input_tokens: 0, cache_write_tokens: null, reasoning_tokens: 0 },
    // gpt-4.1: 80 × $2 + 18 × $8 = 160 + 144 = 304 µ$
    cost: 0.000304,
    answerHas: '"function_call"',
  },
  {
    name: "Responses: reasoning model",
    path: "/v1/responses",
    mock: () => f.mocks.openai,
    body: (s) => `{"model":"o3-mini","reasoning":{"effort":"medium"},"input":[{"role":"user","content":"2+2?"}]${stream(s)}}`,
    headers: openaiHeaders,
    behavior: { usage: { promptTokens: 50, completionTokens: 300, cachedTokens: 0, reasoningTokens: 256 } },
    event: { provider: "openai", response_model: "o3-mini", input_tokens: 50, output_tokens: 300, cached_input_tokens: 0, cache_write_tokens: null, reasoning_tokens: 256 },
    // o3-mini bills reasoning as output: 50 × $1.10 + 300 × $4.40 = 55 + 1320 = 1375 µ$
    cost: 0.001375,
    answerHas: '"reasoning"',
  },
  {
    name: "Messages: text",
    path: "/v1/messages",
    mock: () => f.mocks.anthropic,
    body: (s) => `{"model":"claude-sonnet-4-5-20250929","max_tokens":1024${stream(s)},"messages":[{"role":"user","content":"Hi"}]}`,
    headers: anthropicHeaders,
    behavior: { usage: { promptTokens: 210, completionTokens: 57, cachedTokens: 0, cacheWriteTokens: 0 } },
    event: { provider: "anthropic", response_model: "claude-sonnet-4-5-20250929", input_tokens: 210, output_tokens: 57, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: null },
    // 210 × $3 + 57 × $15 = 630 + 855 = 1485 µ$
    cost: 0.001485,
    answerHas: "Hello",
  },
  {
    name: "Messages: tool use",
    path: "/v1/messages",
    mock: () => f.mocks.anthropic,
    body: (s) => JSON.stringify({ model: "claude-haiku-4-5-20251001", max_tokens: 256, tools: [anthropicTool], messages: [{ role: "user", content: "Weather in Paris?" }], ...(s ? { stream: true } : {}) }),
    headers: anthropicHeaders,
    behavior: { toolCall, usage: { promptTokens: 400, completionTokens: 40, cachedTokens: 0, cacheWriteTokens: 0 } },
    event: { provider: "anthropic", response_model: "claude-haiku-4-5-20251001", input_tokens: 400, output_tokens: 40, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: null },
    // 400 × $1 + 40 × $5 = 400 + 200 = 600 µ$
    cost: 0.0006,
    answerHas: '"tool_use"',
  },
  {
    name: "Messages: cache read and write",
    path: "/v1/messages",
    mock: () => f.mocks.anthropic,
    body: (s) => `{"model":"claude-sonnet-4-5-20250929","max_tokens":512,"system":[{"type":"text","text":"Long context","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}]${stream(s)}}`,
    headers: anthropicHeaders,
    // input_tokens 100 uncached + 1500 read + 400 written = 2000 billed input
    behavior: { usage: { promptTokens: 2000, completionTokens: 50, cachedTokens: 1500, cacheWriteTokens: 400 } },
    event: { provider: "anthropic", response_model: "claude-sonnet-4-5-20250929", input_tokens: 2000, output_tokens: 50, cached_input_tokens: 1500, cache_write_tokens: 400, reasoning_tokens: null },
    // 100 × $3 + 1500 × $0.30 + 400 × $3.75 + 50 × $15 = 300 + 450 + 1500 + 750 = 3000 µ$
    cost: 0.003,
    answerHas: "Hello",
  },
  {
    name: "Messages: 1-hour cache writes",
    path: "/v1/messages",
    mock: () => f.mocks.anthropic,
    body: (s) => `{"model":"claude-sonnet-4-5-20250929","max_tokens":512,"system":[{"type":"text","text":"Long","cache_control":{"type":"ephemeral","ttl":"1h"}}],"messages":[{"role":"user","content":"Hi"}]${stream(s)}}`,
    headers: anthropicHeaders,
    // 400 uncached + 1000 read + 600 written (200 for 5 minutes, 400 for an hour)
    behavior: { usage: { promptTokens: 2000, completionTokens: 50, cachedTokens: 1000, cacheWriteTokens: 600, cacheWrite1hTokens: 400 } },
    event: { provider: "anthropic", response_model: "claude-sonnet-4-5-20250929", input_tokens: 2000, output_tokens: 50, cached_input_tokens: 1000, cache_write_tokens: 600, cache_write_1h_tokens: 400, reasoning_tokens: null },
    // 400 × $3 + 1000 × $0.30 + 200 × $3.75 + 400 × $6 (2 × input) + 50 × $15 = 1200 + 300 + 750 + 2400 + 750 = 5400 µ$
    cost: 0.0054,
    answerHas: "Hello",
  },
];

async function send(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return f.lectr.request(`${path}`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, ...headers }, body });
}

describe.each(cases)("$name", (c) => {
  for (const streamed of [false, true]) {
    test(streamed ? "stream" : "non-stream", async () => {
      const mock = c.mock();
      mock.reset();
      mock.setBehavior(c.behavior);
      const before = (await f.lectr.events()).length;
      const body = c.body(streamed);
      const res = await send(c.path, body, c.headers);
      const answer = new Uint8Array(await res.arrayBuffer());
      expect(res.status).toBe(200);

      // the provider got the client's bytes, and the client the provider's
      const sent = mock.requests[0]!;
      expect([mock.requests.length, sent.path, sent.bodyText]).toEqual([1, c.path, body]);
      expect(decoder.decode(answer)).toBe(decoder.decode(concatBytes(mock.responses[0]!.chunks)));
      expect(decoder.decode(answer)).toContain(c.answerHas);
      for (const [name, value] of Object.entries(c.headers)) expect(sent.headers[name]).toBe(value);
      expect(Object.keys(sent.headers).filter((h) => h.startsWith("x-lectr"))).toEqual([]);

      const events = await f.lectr.events();
      expect(events.length).toBe(before + 1);
      const e = events[0]!;
      expect(e.id).toBe(res.headers.get("x-lectr-request-id")!);
      expect({ ...e, cost_usd: undefined }).toMatchObject({
        endpoint: c.path,
        provider_source: "detected",
        streamed,
        status: 200,
        error_code: null,
        price_known: true,
        cost_source: "registry",
        ...c.event,
      });
      expect(e.cost_usd!).toBeCloseTo(c.cost, 12);
      // a body read whole is priced before the answer; a stream's cost is known only after it
      expect(res.headers.get("x-lectr-cost-usd")).toBe(streamed ? null : formatUsd(e.cost_usd!));
    });
  }
});

describe("Messages: where it goes and how it authenticates", () => {
  test("Anthropic's Bearer form passes through as sent; the upstream URL is the base plus /messages", async () => {
    const mock = f.mocks.anthropic;
    mock.reset();
    const body = `{"model":"claude-opus-4-1-20250805","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}`;
    const res = await send("/v1/messages?beta=true", body, { authorization: `Bearer ${providerKeys.anthropic}`, "anthropic-version": "2023-06-01" });
    expect(res.status).toBe(200);
    const sent = mock.requests[0]!;
    expect([sent.path, sent.search, sent.headers.authorization, sent.headers["x-api-key"]]).toEqual(["/v1/messages", "?beta=true", `Bearer ${providerKeys.anthropic}`, undefined]);
    expect(sent.bodyText).toBe(body);
  });

  test("a model no rule knows goes to Anthropic on /v1/messages, marked provider_unknown", async () => {
    const mock = f.mocks.anthropic;
    mock.reset();
    // no anthropic-version either: only the endpoint says Anthropic
    const res = await send("/v1/messages", `{"model":"my-claude-finetune","max_tokens":10,"messages":[]}`, { "x-api-key": providerKeys.anthropic });
    expect(res.status).toBe(200);
    expect(mock.requests.length).toBe(1);
    const e = (await f.lectr.events())[0]!;
    expect([e.provider, e.provider_source, e.provider_unknown, e.price_known, e.cost_usd, e.input_tokens]).toEqual(["anthropic", "default", true, false, null, 210]);
  });

  test("an Anthropic error body reaches the client as sent, recorded without usage", async () => {
    const mock = f.mocks.anthropic;
    mock.reset();
    const errorBody = `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011Cmock"}`;
    mock.setBehavior({ status: 529, errorBody });
    const res = await send("/v1/messages", `{"model":"claude-sonnet-4-5-20250929","max_tokens":10,"messages":[]}`, anthropicHeaders);
    expect([res.status, await res.text(), res.headers.get("x-lectr-cost-usd")]).toEqual([529, errorBody, null]);
    const e = (await f.lectr.events())[0]!;
    expect([e.status, e.error_code, e.input_tokens, e.output_tokens, e.cost_usd]).toEqual([529, "upstream_error", null, null, null]);
  });
});

describe("streams split anywhere", () => {
  test("Responses and Messages streams sent one byte per write: same bytes, same exact event", async () => {
    for (const c of [cases[0]!, cases[5]!]) {
      const mock = c.mock();
      mock.reset();
      mock.setBehavior(c.behavior);
      await (await send(c.path, c.body(true), c.headers)).arrayBuffer();
      // the same response id streamed again is the same response, counted once: the replay is a new response
      const first = decoder.decode(concatBytes(mock.responses[0]!.chunks));
      const id = /resp_[0-9a-f]{48}/.exec(first)?.[0];
      const whole = id ? first.replaceAll(id, `resp_${"0".repeat(48)}`) : first;
      const bytes = new TextEncoder().encode(whole);
      mock.reset();
      mock.setBehavior({ ...c.behavior, rawSse: Array.from(bytes, (b) => String.fromCharCode(b)) });
      const res = await send(c.path, c.body(true), c.headers);
      expect(await res.text()).toBe(whole);
      const e = (await f.lectr.events())[0]!;
      expect({ ...e, cost_usd: undefined }).toMatchObject({ streamed: true, status: 200, error_code: null, ...c.event });
      expect(e.cost_usd!).toBeCloseTo(c.cost, 12);
    }
  });
});
