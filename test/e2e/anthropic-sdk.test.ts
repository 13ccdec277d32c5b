/** Anthropic's own SDK, with only baseURL and one header changed, works through Lectr on /v1/messages. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let client: Anthropic;
beforeAll(async () => {
  f = await startFixture();
  client = new Anthropic({ apiKey: providerKeys.anthropic, baseURL: f.lectr.url, defaultHeaders: { "X-Lectr-Key": f.lectr.key }, maxRetries: 0 });
});
afterAll(() => f.stop());

// 1000 uncached + 3000 cache reads + 500 cache writes = 4500 billed input tokens
const usage = { promptTokens: 4500, completionTokens: 120, cachedTokens: 3000, cacheWriteTokens: 500 };
// claude-sonnet-4-5-20250929: 1000 × $3 + 3000 × $0.30 + 500 × $3.75 + 120 × $15 = 3000 + 900 + 1875 + 1800 = 7575 µ$
const cost = 0.007575;

async function onlyNewEvent(before: number) {
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  return events[0]!;
}

test("messages.create: the message as the provider sent it, one exact event", async () => {
  f.mocks.anthropic.reset();
  f.mocks.anthropic.setBehavior({ usage });
  const before = (await f.lectr.events()).length;
  const message = await client.messages.create({ model: "claude-sonnet-4-5-20250929", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] });
  expect(message.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["Hello from the mock upstream."]);
  expect(message.usage).toMatchObject({ input_tokens: 1000, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500, output_tokens: 120 });
  const sent = f.mocks.anthropic.requests[0]!;
  // the SDK's own credential and version headers, as it sent them
  expect([sent.path, sent.headers.authorization, sent.headers["x-lectr-key"]]).toEqual(["/v1/messages", `Bearer ${providerKeys.anthropic}`, undefined]);
  expect(sent.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const ev = await onlyNewEvent(before);
  expect([ev.endpoint, ev.provider, ev.streamed, ev.input_tokens, ev.cached_input_tokens, ev.cache_write_tokens, ev.output_tokens]).toEqual(["/v1/messages", "anthropic", false, 4500, 3000, 500, 120]);
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("messages.stream(): the text, the final message and its usage, one exact event", async () => {
  f.mocks.anthropic.reset();
  f.mocks.anthropic.setBehavior({ usage });
  const before = (await f.lectr.events()).length;
  const stream = client.messages.stream({ model: "claude-sonnet-4-5-20250929", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] });
  let text = "";
  stream.on("text", (delta) => (text += delta));
  const final = await stream.finalMessage();
  expect(text).toBe("Hello from the mock upstream.");
  expect(final.usage).toMatchObject({ input_tokens: 1000, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500, output_tokens: 120 });
  expect(JSON.parse(f.mocks.anthropic.requests[0]!.bodyText)).toEqual({ model: "claude-sonnet-4-5-20250929", max_tokens: 256, messages: [{ role: "user", content: "Hi" }], stream: true });
  const ev = await onlyNewEvent(before);
  expect([ev.streamed, ev.status, ev.error_code, ev.input_tokens, ev.cached_input_tokens, ev.cache_write_tokens, ev.output_tokens]).toEqual([true, 200, null, 4500, 3000, 500, 120]);
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("messages.create with stream: true and a tool: the tool_use block arrives whole", async () => {
  f.mocks.anthropic.reset();
  f.mocks.anthropic.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' }, usage: { promptTokens: 400, completionTokens: 40, cachedTokens: 0, cacheWriteTokens: 0 } });
  const before = (await f.lectr.events()).length;
  const stream = await client.messages.create({
    model: "claude-haiku-4-5-20251001",
    max_tokens: 256,
    stream: true,
    tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    messages: [{ role: "user", content: "Weather in Paris?" }],
  });
  let json = "";
  let stop: string | null | undefined;
  for await (const event of stream) {
    if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") json += event.delta.partial_json;
    if (event.type === "message_delta") stop = event.delta.stop_reason;
  }
  expect([JSON.parse(json), stop]).toEqual([{ city: "Paris" }, "tool_use"]);
  const ev = await onlyNewEvent(before);
  expect([ev.input_tokens, ev.output_tokens, ev.cached_input_tokens, ev.cache_write_tokens, ev.reasoning_tokens]).toEqual([400, 40, 0, 0, null]);
  // claude-haiku-4-5: 400 × $1 + 40 × $5 = 600 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.0006, 12);
});

test("the x-api-key form, with anthropic-version and anthropic-beta, reaches the provider as sent", async () => {
  f.mocks.anthropic.reset();
  const headers = { "x-api-key": providerKeys.anthropic, "anthropic-version": "2023-06-01", "anthropic-beta": "prompt-caching-2024-07-31", "X-Lectr-Key": f.lectr.key };
  const keyed = new Anthropic({ apiKey: null, baseURL: f.lectr.url, defaultHeaders: headers, maxRetries: 0 });
  const message = await keyed.messages.create({ model: "claude-sonnet-4-5-20250929", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });
  expect(message.type).toBe("message");
  const sent = f.mocks.anthropic.requests[0]!;
  expect([sent.headers["x-api-key"], sent.headers["anthropic-version"], sent.headers["anthropic-beta"], sent.headers.authorization]).toEqual([
    providerKeys.anthropic,
    "2023-06-01",
    "prompt-caching-2024-07-31",
    undefined,
  ]);
});

test("calls without a model (models.list) go to Anthropic too: its SDK's anthropic-version names the provider", async () => {
  f.mocks.anthropic.reset();
  f.mocks.openai.reset();
  const page = await client.models.list();
  expect(page.data.map((m) => m.id)).toEqual(["claude-sonnet-4-5-20250929"]);
  expect([f.mocks.anthropic.requests.map((r) => `${r.method} ${r.path}`), f.mocks.openai.requests.length]).toEqual([["GET /v1/models"], 0]);
  const ev = (await f.lectr.events())[0]!;
  expect([ev.endpoint, ev.provider, ev.provider_source, ev.provider_unknown]).toEqual(["/v1/models", "anthropic", "detected", false]);
});
