/** The official OpenAI SDK, with only baseURL and defaultHeaders changed, works through Lectr. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let client: OpenAI;
beforeAll(async () => {
  f = await startFixture();
  client = new OpenAI({ apiKey: "sk-test-openai", baseURL: `${f.lectr.url}/v1`, defaultHeaders: { "X-Lectr-Key": f.lectr.key }, maxRetries: 0 });
});
afterAll(() => f.stop());

test("non-streaming chat", async () => {
  const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
  expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
  expect(completion.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 48 });
  const ev = (await f.lectr.events())[0]!;
  expect([ev.model, ev.response_model, ev.input_tokens, ev.output_tokens]).toEqual(["gpt-4o", completion.model, 120, 48]);
});

test("streaming chat: the SDK sees no usage chunk it did not ask for, Lectr records usage anyway", async () => {
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
  let text = "";
  let usageChunks = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.usage) usageChunks++;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(usageChunks).toBe(0);
  const ev = (await f.lectr.events())[0]!;
  expect([ev.streamed, ev.input_tokens, ev.output_tokens]).toEqual([true, 120, 48]);
});

test("streaming chat with include_usage: the SDK gets its usage chunk", async () => {
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "Hi" }],
  });
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) usage ??= chunk.usage ?? undefined;
  expect(usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 48 });
});

test("an SDK error carries Lectr's message and code", async () => {
  const bad = new OpenAI({ apiKey: "sk-test-openai", baseURL: `${f.lectr.url}/v1`, maxRetries: 0 });
  const err = await bad.chat.completions.create({ model: "gpt-4o", messages: [] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("invalid_lectr_key");
});

test("Responses API, non-streaming: the answer as the provider sent it, one exact event", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 40, reasoningTokens: 0 } });
  const before = (await f.lectr.events()).length;
  const response = await client.responses.create({ model: "gpt-4o-mini", input: "Say hi" });
  expect(response.output_text).toBe("Hello from the mock upstream.");
  expect(response.usage).toMatchObject({ input_tokens: 100, output_tokens: 20, input_tokens_details: { cached_tokens: 40 } });
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  const ev = events[0]!;
  expect([ev.endpoint, ev.streamed, ev.input_tokens, ev.output_tokens, ev.cached_input_tokens, ev.reasoning_tokens]).toEqual(["/v1/responses", false, 100, 20, 40, 0]);
  // gpt-4o-mini: 60 × $0.15 + 40 × $0.075 + 20 × $0.60 = 24 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.000024, 12);
});

test("Responses API, streaming: every event arrives, the request body is the SDK's own, one exact event", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ usage: { promptTokens: 50, completionTokens: 300, cachedTokens: 0, reasoningTokens: 256 } });
  const before = (await f.lectr.events()).length;
  const stream = await client.responses.create({ model: "o3-mini", input: "2+2?", stream: true });
  let text = "";
  let completed: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.completed") completed = event.response;
  }
  expect(text).toBe("Hello from the mock upstream.");
  expect(completed?.usage).toMatchObject({ input_tokens: 50, output_tokens: 300, output_tokens_details: { reasoning_tokens: 256 } });
  // no stream_options was added to what the SDK sent
  expect(JSON.parse(f.mocks.openai.requests[0]!.bodyText)).toEqual({ model: "o3-mini", input: "2+2?", stream: true });
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  const ev = events[0]!;
  expect([ev.endpoint, ev.streamed, ev.status, ev.error_code, ev.input_tokens, ev.output_tokens, ev.reasoning_tokens]).toEqual(["/v1/responses", true, 200, null, 50, 300, 256]);
  // o3-mini: 50 × $1.10 + 300 × $4.40 = 1375 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.001375, 12);
});
