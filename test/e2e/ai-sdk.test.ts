/**
 * The Vercel AI SDK's default paths through Lectr: `openai(model)` speaks the Responses API,
 * `anthropic(model)` the Messages API. Only baseURL and one header change.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { streamText } from "ai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

async function onlyNewEvent(before: number) {
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  return events[0]!;
}

test("streamText with openai(model) goes to /v1/responses: the text, the usage, one exact event", async () => {
  const openai = createOpenAI({ apiKey: providerKeys.openai, baseURL: `${f.lectr.url}/v1`, headers: { "X-Lectr-Key": f.lectr.key } });
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 40, reasoningTokens: 0 } });
  const before = (await f.lectr.events()).length;
  const result = streamText({ model: openai("gpt-4o-mini"), prompt: "Say hi", maxRetries: 0 });
  let text = "";
  for await (const delta of result.textStream) text += delta;
  expect(text).toBe("Hello from the mock upstream.");
  const usage = await result.usage;
  expect([usage.inputTokens, usage.outputTokens]).toEqual([100, 20]);
  const sent = f.mocks.openai.requests[0]!;
  expect(sent.path).toBe("/v1/responses");
  expect(JSON.parse(sent.bodyText).stream_options).toBeUndefined();
  const ev = await onlyNewEvent(before);
  expect([ev.endpoint, ev.streamed, ev.status, ev.error_code, ev.input_tokens, ev.output_tokens, ev.cached_input_tokens]).toEqual(["/v1/responses", true, 200, null, 100, 20, 40]);
  // gpt-4o-mini: 60 × $0.15 + 40 × $0.075 + 20 × $0.60 = 24 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.000024, 12);
});

test("streamText with @ai-sdk/anthropic goes to /v1/messages: the text, the usage, one exact event", async () => {
  const anthropic = createAnthropic({ apiKey: providerKeys.anthropic, baseURL: `${f.lectr.url}/v1`, headers: { "X-Lectr-Key": f.lectr.key } });
  f.mocks.anthropic.reset();
  f.mocks.anthropic.setBehavior({ usage: { promptTokens: 4500, completionTokens: 120, cachedTokens: 3000, cacheWriteTokens: 500 } });
  const before = (await f.lectr.events()).length;
  const result = streamText({ model: anthropic("claude-sonnet-4-5-20250929"), prompt: "Hi", maxRetries: 0 });
  let text = "";
  for await (const delta of result.textStream) text += delta;
  expect(text).toBe("Hello from the mock upstream.");
  expect((await result.usage).outputTokens).toBe(120);
  const sent = f.mocks.anthropic.requests[0]!;
  expect([sent.path, sent.headers["x-api-key"]]).toEqual(["/v1/messages", providerKeys.anthropic]);
  const ev = await onlyNewEvent(before);
  expect([ev.endpoint, ev.provider, ev.streamed, ev.input_tokens, ev.cached_input_tokens, ev.cache_write_tokens, ev.output_tokens]).toEqual(["/v1/messages", "anthropic", true, 4500, 3000, 500, 120]);
  // 1000 × $3 + 3000 × $0.30 + 500 × $3.75 + 120 × $15 = 7575 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.007575, 12);
});
