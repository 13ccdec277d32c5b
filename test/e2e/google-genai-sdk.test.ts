/**
 * Google's official SDK (@google/genai), with only httpOptions.baseUrl (Lectr's root) and X-Lectr-Key set,
 * calls Gemini's native API through Lectr: generateContent, its stream, countTokens and embeddings.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ApiError, GoogleGenAI } from "@google/genai";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let ai: GoogleGenAI;
beforeAll(async () => {
  f = await startFixture();
  ai = new GoogleGenAI({ apiKey: providerKeys.gemini, httpOptions: { baseUrl: f.lectr.url, headers: { "X-Lectr-Key": f.lectr.key } } });
});
afterAll(() => f.stop());

/** One more event than before, returned. */
async function oneEvent(before: number) {
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  return events[0]!;
}

// The mock's usageMetadata: 35 prompt, 12 candidates, 62 thoughts. Thoughts bill as output: 74 output tokens.
const tokens = { input_tokens: 35, output_tokens: 74, cached_input_tokens: 0, reasoning_tokens: 62 };
// gemini-2.5-flash: 35 × $0.30 + 74 × $2.50 = 10.5 + 185 = 195.5 µ$
const cost = 0.0001955;

test("generateContent: the answer as Gemini sent it, the key in x-goog-api-key, one exact event", async () => {
  f.mocks.gemini.reset();
  const before = (await f.lectr.events()).length;
  const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
  expect(response.text).toBe("Hello from the mock upstream.");
  expect(response.usageMetadata).toMatchObject({ promptTokenCount: 35, candidatesTokenCount: 12, thoughtsTokenCount: 62 });
  const sent = f.mocks.gemini.requests[0]!;
  expect([sent.path, sent.headers["x-goog-api-key"], sent.headers.authorization]).toEqual(["/v1beta/models/gemini-2.5-flash:generateContent", providerKeys.gemini, undefined]);
  const ev = await oneEvent(before);
  expect({ ...ev, cost_usd: undefined }).toMatchObject({
    endpoint: "/v1beta/models/gemini-2.5-flash:generateContent",
    provider: "gemini",
    provider_unknown: false,
    model: "gemini-2.5-flash",
    response_model: "gemini-2.5-flash",
    streamed: false,
    status: 200,
    error_code: null,
    ...tokens,
    price_known: true,
  });
  expect(ev.cost_usd!).toBeCloseTo(cost, 12);
});

test("generateContentStream (alt=sse): every frame arrives, usage taken once from the last, one exact event", async () => {
  f.mocks.gemini.reset();
  f.mocks.gemini.setBehavior({ usage: { cachedTokens: 20 } });
  const before = (await f.lectr.events()).length;
  const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" });
  let text = "";
  for await (const chunk of stream) text += chunk.text ?? "";
  expect(text).toBe("Hello from the mock upstream.");
  const sent = f.mocks.gemini.requests[0]!;
  expect([sent.path, sent.search]).toEqual(["/v1beta/models/gemini-2.5-flash:streamGenerateContent", "?alt=sse"]);
  const ev = await oneEvent(before);
  expect({ ...ev, cost_usd: undefined }).toMatchObject({ endpoint: "/v1beta/models/gemini-2.5-flash:streamGenerateContent", provider: "gemini", model: "gemini-2.5-flash", streamed: true, status: 200, error_code: null, ...tokens, cached_input_tokens: 20 });
  // 15 × $0.30 + 20 cached × $0.03 + 74 × $2.50 = 4.5 + 0.6 + 185 = 190.1 µ$
  expect(ev.cost_usd!).toBeCloseTo(0.0001901, 12);
});

test("countTokens: the count as Gemini sent it; the call bills no tokens, so none are recorded and no cost is made up", async () => {
  f.mocks.gemini.reset();
  const before = (await f.lectr.events()).length;
  const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "Hi" });
  expect(counted.totalTokens).toBe(35);
  expect(f.mocks.gemini.requests[0]!.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
  const ev = await oneEvent(before);
  expect([ev.endpoint, ev.provider, ev.model, ev.status, ev.input_tokens, ev.output_tokens, ev.cost_usd]).toEqual([
    "/v1beta/models/gemini-2.5-flash:countTokens", "gemini", "gemini-2.5-flash", 200, null, null, null,
  ]);
});

test("embedContent (sent as batchEmbedContents): the vectors as Gemini sent them; Gemini reports no usage, so none is invented", async () => {
  f.mocks.gemini.reset();
  const before = (await f.lectr.events()).length;
  const result = await ai.models.embedContent({ model: "gemini-embedding-001", contents: ["first", "second"] });
  const upstream = JSON.parse(new TextDecoder().decode(f.mocks.gemini.responses[0]!.chunks[0])) as { embeddings: { values: number[] }[] };
  expect(result.embeddings?.map((e) => e.values)).toEqual(upstream.embeddings.map((e) => e.values));
  expect(f.mocks.gemini.requests[0]!.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
  const ev = await oneEvent(before);
  expect([ev.provider, ev.model, ev.status, ev.input_tokens, ev.cost_usd]).toEqual(["gemini", "gemini-embedding-001", 200, null, null]);
});

test("a model of another provider on Gemini's path: a 400 in Google's error shape, one event, nothing forwarded", async () => {
  f.mocks.gemini.reset();
  f.mocks.openai.reset();
  const before = (await f.lectr.events()).length;
  const err = await ai.models.generateContent({ model: "gpt-4o", contents: "Hi" }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(400);
  expect((err as ApiError).message).toContain("openai does not serve /v1beta/models/gpt-4o:generateContent");
  expect([f.mocks.gemini.requests.length, f.mocks.openai.requests.length]).toEqual([0, 0]);
  const ev = await oneEvent(before);
  expect([ev.status, ev.error_code, ev.provider]).toEqual([400, "provider_not_served", "openai"]);
});

test("Lectr's own errors on Gemini's path are Google-shaped: a missing X-Lectr-Key", async () => {
  const res = await fetch(`${f.lectr.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": providerKeys.gemini, "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] }),
  });
  expect(res.status).toBe(401);
  const body = (await res.json()) as { error: { code: number; status: string; message: string; details: unknown[] } };
  expect(body.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED", details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "INVALID_LECTR_KEY", domain: "lectr" }] });
  expect(body.error.message).toContain("X-Lectr-Key");
});

test("the key as ?key= reaches Gemini's native API as sent", async () => {
  f.mocks.gemini.reset();
  const res = await fetch(`${f.lectr.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${providerKeys.gemini}`, {
    method: "POST",
    headers: { "x-lectr-key": f.lectr.key, "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  expect(f.mocks.gemini.requests[0]!.search).toBe(`?key=${providerKeys.gemini}`);
});

test("a stream the provider breaks off ends with Google's error frame, which the SDK raises; one event says why", async () => {
  f.mocks.gemini.reset();
  f.mocks.gemini.setBehavior({ resetAfterChunks: 2 });
  const before = (await f.lectr.events()).length;
  const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" });
  let text = "";
  const err = await (async () => {
    for await (const chunk of stream) text += chunk.text ?? "";
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(502);
  // what arrived before the break is a start of the answer (how much depends on how the bytes were batched)
  expect("Hello from the mock upstream.".startsWith(text)).toBe(true);
  const ev = await oneEvent(before);
  expect([ev.streamed, ev.error_code]).toEqual([true, "upstream_unreachable"]);
});
