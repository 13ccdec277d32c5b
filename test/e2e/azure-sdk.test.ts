/**
 * The OpenAI SDK's AzureOpenAI client, with `endpoint` set to Lectr's root URL (or baseURL to Lectr's /v1),
 * reaches the org's Azure endpoint: deployment paths, the client's api-version, streamed usage asked for
 * and its extra chunk dropped, exactly as on /v1/chat/completions.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI, { AzureOpenAI } from "openai";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let client: AzureOpenAI;
beforeAll(async () => {
  f = await startFixture();
  const headers = { "X-Lectr-Key": f.lectr.key };
  client = new AzureOpenAI({ endpoint: f.lectr.url, apiKey: providerKeys.azure, apiVersion: "2024-12-01-preview", defaultHeaders: headers, maxRetries: 0 });
});
afterAll(() => f.stop());

async function oneEvent(before: number) {
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  return events[0]!;
}

const tokens = { input_tokens: 86, output_tokens: 27, cached_input_tokens: 64, reasoning_tokens: 8 };
// the deployment's model, gpt-4o: 22 × $2.50 + 64 × $1.25 + 27 × $10 = 55 + 80 + 270 = 405 µ$
const cost = 0.000405;

test("endpoint form, non-streaming chat: the deployment path and the client's api-version reach Azure with api-key; one exact event", async () => {
  f.mocks.azure.reset();
  const before = (await f.lectr.events()).length;
  const completion = await client.chat.completions.create({ model: "prod-gpt4o", messages: [{ role: "user", content: "Hi" }] });
  expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  const sent = f.mocks.azure.requests[0]!;
  expect([sent.path, sent.search, sent.headers["api-key"], sent.headers.authorization]).toEqual([
    "/openai/deployments/prod-gpt4o/chat/completions", "?api-version=2024-12-01-preview", providerKeys.azure, undefined,
  ]);
  const ev = await oneEvent(before);
  expect({ ...ev, cost_usd: undefined }).toMatchObject({
    endpoint: "/openai/deployments/prod-gpt4o/chat/completions", provider: "azure", model: "prod-gpt4o", response_model: "gpt-4o-2024-11-20", streamed: false, status: 200, ...tokens,
  });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("endpoint form, streaming chat: usage is asked for, the SDK never sees the extra chunk, one exact event", async () => {
  f.mocks.azure.reset();
  const before = (await f.lectr.events()).length;
  const stream = await client.chat.completions.create({ model: "prod-gpt4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
  let text = "";
  let usageChunks = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.usage) usageChunks++;
  }
  expect([text, usageChunks]).toEqual(["Hello from the mock upstream.", 0]);
  expect((f.mocks.azure.requests[0]!.json as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  const ev = await oneEvent(before);
  expect({ ...ev, cost_usd: undefined }).toMatchObject({ endpoint: "/openai/deployments/prod-gpt4o/chat/completions", provider: "azure", streamed: true, status: 200, error_code: null, ...tokens });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("endpoint form, embeddings: the vectors as Azure sent them, one exact event", async () => {
  f.mocks.azure.reset();
  const before = (await f.lectr.events()).length;
  const result = await client.embeddings.create({ model: "embed-small", input: ["a", "b"], encoding_format: "float" });
  const upstream = JSON.parse(new TextDecoder().decode(f.mocks.azure.responses[0]!.chunks[0])) as { data: { embedding: number[] }[] };
  expect(result.data.map((d) => d.embedding)).toEqual(upstream.data.map((d) => d.embedding));
  expect(f.mocks.azure.requests[0]!.path).toBe("/openai/deployments/embed-small/embeddings");
  const ev = await oneEvent(before);
  expect([ev.provider, ev.model, ev.response_model, ev.input_tokens, ev.output_tokens]).toEqual(["azure", "embed-small", "text-embedding-3-small", 86, 0]);
  // text-embedding-3-small: 86 × $0.02 / 1M
  expect(ev.cost_usd!).toBeCloseTo(0.00000172, 12);
});

test("baseURL form (Lectr's /v1): /v1/deployments/… streams get the same usage treatment", async () => {
  f.mocks.azure.reset();
  const v1 = new AzureOpenAI({ baseURL: `${f.lectr.url}/v1`, apiKey: providerKeys.azure, apiVersion: "2024-10-21", defaultHeaders: { "X-Lectr-Key": f.lectr.key }, maxRetries: 0 });
  const before = (await f.lectr.events()).length;
  const stream = await v1.chat.completions.create({ model: "prod-gpt4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
  let usageChunks = 0;
  for await (const chunk of stream) if (chunk.usage) usageChunks++;
  expect(usageChunks).toBe(0);
  const sent = f.mocks.azure.requests[0]!;
  expect([sent.path, sent.search]).toEqual(["/openai/deployments/prod-gpt4o/chat/completions", "?api-version=2024-10-21"]);
  const ev = await oneEvent(before);
  expect({ ...ev, cost_usd: undefined }).toMatchObject({ endpoint: "/v1/deployments/prod-gpt4o/chat/completions", provider: "azure", model: "prod-gpt4o", streamed: true, ...tokens });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("Azure's v1 API at /openai/v1 with X-Lectr-Provider: azure (without it, the path is Groq's)", async () => {
  f.mocks.azure.reset();
  f.mocks.groq.reset();
  const v1 = new OpenAI({ baseURL: `${f.lectr.url}/openai/v1`, apiKey: providerKeys.azure, defaultHeaders: { "X-Lectr-Key": f.lectr.key, "X-Lectr-Provider": "azure" }, maxRetries: 0 });
  const before = (await f.lectr.events()).length;
  const completion = await v1.chat.completions.create({ model: "prod-gpt4o", messages: [{ role: "user", content: "Hi" }] });
  expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  const sent = f.mocks.azure.requests[0]!;
  expect([sent.path, sent.search, sent.headers["api-key"], f.mocks.groq.requests.length]).toEqual(["/openai/v1/chat/completions", "", providerKeys.azure, 0]);
  const ev = await oneEvent(before);
  expect([ev.endpoint, ev.provider, ev.model, ev.input_tokens, ev.output_tokens]).toEqual(["/openai/v1/chat/completions", "azure", "prod-gpt4o", 86, 27]);
});
