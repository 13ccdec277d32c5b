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
