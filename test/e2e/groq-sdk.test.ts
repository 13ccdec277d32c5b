/** The official Groq SDK, with only baseURL (Lectr's root) and X-Lectr-Key set, works through Lectr. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Groq from "groq-sdk";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let client: Groq;
beforeAll(async () => {
  f = await startFixture();
  client = new Groq({ apiKey: providerKeys.groq, baseURL: f.lectr.url, defaultHeaders: { "X-Lectr-Key": f.lectr.key }, maxRetries: 0 });
});
afterAll(() => f.stop());

// llama-3.3-70b-versatile: no cached price on the row, so 304 × $0.59 + 49 × $0.79 = 179.36 + 38.71 µ$
const cost = 0.00021807;
const tokens = { input_tokens: 304, output_tokens: 49, cached_input_tokens: 128, reasoning_tokens: 23 };

test("non-streaming chat at /openai/v1: the answer as Groq sent it, one exact event", async () => {
  f.mocks.groq.reset();
  const before = (await f.lectr.events()).length;
  const completion = await client.chat.completions.create({ model: "llama-3.3-70b-versatile", messages: [{ role: "user", content: "Hi" }] });
  expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  expect(completion.usage).toMatchObject({ prompt_tokens: 304, completion_tokens: 49 });
  const sent = f.mocks.groq.requests[0]!;
  expect([sent.path, sent.headers.authorization]).toEqual(["/openai/v1/chat/completions", `Bearer ${providerKeys.groq}`]);
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  const ev = events[0]!;
  expect({ ...ev, cost_usd: undefined }).toMatchObject({ endpoint: "/openai/v1/chat/completions", provider: "groq", model: "llama-3.3-70b-versatile", response_model: completion.model, streamed: false, status: 200, ...tokens });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("streaming chat: every chunk arrives, the body is the SDK's own, one exact event", async () => {
  f.mocks.groq.reset();
  const before = (await f.lectr.events()).length;
  const stream = await client.chat.completions.create({ model: "llama-3.3-70b-versatile", stream: true, messages: [{ role: "user", content: "Hi" }] });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  expect(text).toBe("Hello from the mock upstream.");
  // Groq reports streamed usage unasked: nothing is added to the request
  expect(f.mocks.groq.requests[0]!.json).toEqual({ model: "llama-3.3-70b-versatile", stream: true, messages: [{ role: "user", content: "Hi" }] });
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  const ev = events[0]!;
  expect({ ...ev, cost_usd: undefined }).toMatchObject({ endpoint: "/openai/v1/chat/completions", provider: "groq", model: "llama-3.3-70b-versatile", streamed: true, status: 200, error_code: null, ...tokens });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("a model of another provider on Groq's path is refused in OpenAI's shape, one event, nothing forwarded", async () => {
  f.mocks.groq.reset();
  f.mocks.openai.reset();
  const before = (await f.lectr.events()).length;
  const err = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Groq.BadRequestError);
  expect((err as InstanceType<typeof Groq.APIError>).message).toContain("openai does not serve /openai/v1/chat/completions");
  expect([f.mocks.groq.requests.length, f.mocks.openai.requests.length]).toEqual([0, 0]);
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  expect([events[0]!.status, events[0]!.error_code, events[0]!.provider]).toEqual([400, "provider_not_served", "openai"]);
});
