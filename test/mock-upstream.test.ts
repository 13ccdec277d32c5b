import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { ProviderId } from "../src/providers/types.ts";
import { defaultMockUsage, startMockUpstream, type MockUpstream } from "./helpers/mock-upstream.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixture = (name: string) => Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();
const errorBodies: Record<string, unknown> = await Bun.file(new URL("./fixtures/error-bodies.json", import.meta.url)).json();

const keys: Record<ProviderId, string> = {
  openai: "sk-test-openai",
  anthropic: "sk-ant-test-anthropic",
  groq: "gsk_test_groq",
  gemini: "test-gemini-key",
  azure: "test-azure-key",
  mistral: "test-mistral-key",
  deepseek: "sk-test-deepseek",
  xai: "xai-test-key",
  openrouter: "sk-or-test-openrouter",
};
/** The providers whose real captures are in test/fixtures. */
const captured: ProviderId[] = ["openai", "anthropic", "groq", "gemini", "azure"];
const azureVersion = "api-version=2024-10-21";
const azureChat = (m: MockUpstream, deployment = "prod-gpt4o") =>
  `${m.baseUrl}/openai/deployments/${deployment}/chat/completions?${azureVersion}`;
const chatUrl = (m: MockUpstream) => (m.provider === "azure" ? azureChat(m) : `${m.baseUrl}/chat/completions`);
const authHeaders = (m: MockUpstream): Record<string, string> =>
  m.provider === "azure" ? { "api-key": keys.azure } : { authorization: `Bearer ${keys[m.provider]}` };

function post(m: MockUpstream, body: unknown, init: { url?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  return fetch(init.url ?? chatUrl(m), {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers ?? authHeaders(m)) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: "test-model", messages: [{ role: "user", content: "hi" }], ...extra });
const streamChat = (includeUsage?: boolean) =>
  chat({ stream: true, ...(includeUsage === undefined ? {} : { stream_options: { include_usage: includeUsage } }) });

type Json = Record<string, any>;

/** Stands for the `data: [DONE]` terminator in `events()`. */
const DONE: Json = { "[DONE]": true };

/** The `data:` payloads of an SSE body, JSON-parsed. */
const events = (text: string): Json[] =>
  text.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).map((d) => (d === "[DONE]" ? DONE : JSON.parse(d)));

/** A value's structure: keys kept, leaves replaced by their JSON type. */
function shapeOf(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

const concat = (chunks: Uint8Array[]) => new Uint8Array(chunks.flatMap((c) => [...c]));

const mocks = {} as Record<ProviderId, MockUpstream>;
beforeAll(async () => {
  for (const id of captured) mocks[id] = await startMockUpstream(id);
});
afterEach(() => {
  for (const m of Object.values(mocks)) m.reset();
});
afterAll(async () => {
  await Promise.all(Object.values(mocks).map((m) => m.stop()));
});

describe("every dialect", () => {
  test("base URLs follow each provider's layout", () => {
    const paths = Object.fromEntries(Object.values(mocks).map((m) => [m.provider, m.baseUrl.slice(m.origin.length)]));
    expect(paths).toEqual({ openai: "/v1", anthropic: "/v1", groq: "/openai/v1", gemini: "/v1beta/openai", azure: "" });
    expect(mocks.openai.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test.each(captured)("%s: records the request and returns byte-identical recorded bytes", async (id) => {
    const m = mocks[id];
    const res = await post(m, streamChat(true), { headers: { ...authHeaders(m), "X-Custom-Header": "Yes" } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    expect(m.requests).toHaveLength(1);
    expect(m.requests[0]?.headers["x-custom-header"]).toBe("Yes");
    expect(m.requests[0]?.json).toEqual(streamChat(true));
    expect(m.responses[0]?.status).toBe(200);
    expect(bytes).toEqual(concat(m.responses[0]?.chunks ?? []));
    expect(new TextDecoder().decode(bytes)).toEndWith("data: [DONE]\n\n");
  });
});

describe("openai", () => {
  test("401 bodies for a missing and a wrong key", async () => {
    const missing = await post(mocks.openai, chat(), { headers: {} });
    const wrong = await post(mocks.openai, chat(), { headers: { authorization: "Bearer sk-wrong-key-1234" } });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    const body = await wrong.json();
    expect(shapeOf(body)).toEqual(shapeOf(errorBodies.openai401));
    expect(body.error.message).toStartWith("Incorrect API key provided: sk-wrong*****1234.");
    expect((await missing.json()).error.code).toBeNull();
    expect(mocks.openai.requests).toHaveLength(2);
  });

  test("non-stream chat: dated snapshot for gpt-4o, usage with details, x-request-id", async () => {
    const res = await post(mocks.openai, chat({ model: "gpt-4o" }));
    const body = await res.json();
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(body.model).toBe("gpt-4o-2024-08-06");
    expect(shapeOf(body)).toEqual(shapeOf(JSON.parse(await fixture("openai-o3-mini.json"))));
    expect(body.usage).toEqual({
      prompt_tokens: 120,
      completion_tokens: 48,
      total_tokens: 168,
      prompt_tokens_details: { cached_tokens: 32, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 16, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    const other = await (await post(mocks.openai, chat({ model: "gpt-4o-mini" }))).json();
    expect(other.model).toBe("gpt-4o-mini");
  });

  test("stream with include_usage matches the captured chunk shapes", async () => {
    const got = events(await (await post(mocks.openai, streamChat(true))).text());
    const captured = events(await fixture("openai-stream.sse"));
    // Captured: role, one content chunk, finish, usage, [DONE]; the mock sends six content chunks.
    const aligned = [got[0], got[1], got.at(-3), got.at(-2), got.at(-1)];
    expect(aligned.map(shapeOf)).toEqual(captured.map(shapeOf));
    expect(got.at(-2)?.usage.total_tokens).toBe(168);
  });

  test("stream without include_usage: no usage key and no usage chunk", async () => {
    for (const includeUsage of [undefined, false]) {
      const got = events(await (await post(mocks.openai, streamChat(includeUsage))).text());
      expect(got.at(-1)).toBe(DONE);
      expect(got.at(-2)?.choices[0].finish_reason).toBe("stop");
      expect(got.slice(0, -1).every((e) => !("usage" in e) && e.choices.length === 1)).toBe(true);
    }
  });

  test("embeddings (float and base64), legacy completions, models", async () => {
    const url = `${mocks.openai.baseUrl}/embeddings`;
    const floats = await (await post(mocks.openai, { model: "text-embedding-3-small", input: ["a", "b"] }, { url })).json();
    expect(floats.data.map((d: Json) => [d.object, d.index, Array.isArray(d.embedding)])).toEqual([["embedding", 0, true], ["embedding", 1, true]]);
    expect(floats.usage).toEqual({ prompt_tokens: 120, total_tokens: 120 });
    const base64 = await (await post(mocks.openai, { model: "text-embedding-3-small", input: "a", encoding_format: "base64" }, { url })).json();
    expect(shapeOf(base64)).toEqual(shapeOf(JSON.parse(await fixture("openai-embeddings.json"))));
    expect(new Float32Array(Uint8Array.from(atob(base64.data[0].embedding), (c) => c.charCodeAt(0)).buffer)).toHaveLength(8);

    const completion = await (await post(mocks.openai, { model: "gpt-3.5-turbo-instruct", prompt: "x" }, { url: `${mocks.openai.baseUrl}/completions` })).json();
    expect([completion.object, completion.choices[0].text]).toEqual(["text_completion", "Hello from the mock upstream."]);

    const models = await (await fetch(`${mocks.openai.baseUrl}/models`, { headers: authHeaders(mocks.openai) })).json();
    expect(models.object).toBe("list");
    expect(models.data[0]).toEqual({ id: "gpt-4o", object: "model", created: expect.any(Number), owned_by: "system" });
  });

  test("an unknown path is recorded (method, path, query) and answered with OpenAI's 404", async () => {
    const res = await fetch(`${mocks.openai.baseUrl}/files/file-abc?purpose=batch&limit=2`, { method: "DELETE", headers: authHeaders(mocks.openai) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Invalid URL (DELETE /v1/files/file-abc)", type: "invalid_request_error", param: null, code: null } });
    expect(mocks.openai.requests[0]).toMatchObject({ method: "DELETE", path: "/v1/files/file-abc", search: "?purpose=batch&limit=2", bodyText: "", json: undefined });
  });

  test("forced statuses use OpenAI's bodies", async () => {
    const bodies: Record<number, Json> = {};
    for (const status of [400, 429, 500, 503]) {
      mocks.openai.setBehavior({ status });
      const res = await post(mocks.openai, chat());
      expect(res.status).toBe(status);
      bodies[status] = (await res.json()).error;
    }
    expect(Object.values(bodies).map((e) => [e.type, e.code])).toEqual([
      ["invalid_request_error", null],
      ["tokens", "rate_limit_exceeded"],
      ["server_error", null],
      ["server_error", "server_is_overloaded"],
    ]);
  });
});

describe("anthropic", () => {
  test("accepts Bearer and x-api-key, 401 otherwise with request-id", async () => {
    const viaHeader = await post(mocks.anthropic, chat(), { headers: { "x-api-key": keys.anthropic } });
    expect(viaHeader.status).toBe(200);
    const denied = await post(mocks.anthropic, chat(), { headers: { authorization: "Bearer nope" } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("request-id")).toMatch(/^req_011C/);
    expect(await denied.json()).toEqual({ error: { code: "authentication_error", message: "Invalid authentication credentials", type: "authentication_error", param: null } });
  });

  test("non-stream usage is plain prompt/completion/total; the model is echoed", async () => {
    const body = await (await post(mocks.anthropic, chat({ model: "claude-sonnet-4-5" }))).json();
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(body.usage).toEqual({ prompt_tokens: 210, completion_tokens: 57, total_tokens: 267 });
  });

  test("stream: usage on the finish_reason chunk only with include_usage, which adds no chunk", async () => {
    const withUsage = events(await (await post(mocks.anthropic, streamChat(true))).text());
    const without = events(await (await post(mocks.anthropic, streamChat())).text());
    expect(withUsage.length).toBe(without.length);
    expect("usage" in without.at(-2)!).toBe(false);
    for (const got of [withUsage, without]) {
      const finish = got.at(-2);
      expect(finish?.choices[0].finish_reason).toBe("stop");
      if (got === withUsage) expect(finish?.usage).toEqual({ prompt_tokens: 210, completion_tokens: 57, total_tokens: 267 });
      expect(got.slice(0, -2).some((e) => "usage" in e)).toBe(false);
      expect(got.every((e) => e === DONE || e.choices.length === 1)).toBe(true);
    }
  });

  test("529 overloaded and the verbatim compat 400 envelope", async () => {
    mocks.anthropic.setBehavior({ status: 529 });
    const res = await post(mocks.anthropic, chat());
    expect(res.status).toBe(529);
    expect((await res.json()).error).toEqual({ code: "overloaded_error", message: "Overloaded", type: "overloaded_error", param: null });
    mocks.anthropic.reset();
    const bad = await post(mocks.anthropic, "{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual(errorBodies.anthropic400);
  });
});

describe("groq", () => {
  test("stream: x_groq.usage and top-level usage on the finish chunk, as captured", async () => {
    const got = events(await (await post(mocks.groq, streamChat())).text());
    const captured = events(await fixture("groq-stream-both-usages.sse"));
    const finish = got.at(-2);
    expect(shapeOf(finish)).toMatchObject(shapeOf(captured[0]) as object);
    expect(finish?.x_groq.usage).toEqual(finish?.usage);
    expect(finish?.usage).toMatchObject({ prompt_tokens: 304, completion_tokens: 49, total_tokens: 353, prompt_tokens_details: { cached_tokens: 128 }, completion_tokens_details: { reasoning_tokens: 23 } });
    expect(got[0]?.x_groq.id).toBe(finish?.x_groq.id);
    expect(shapeOf(got[0])).toMatchObject(shapeOf((events(await fixture("groq-stream.sse")))[0]) as object);
  });

  test("stream with include_usage adds a usage-only choices: [] chunk", async () => {
    const got = events(await (await post(mocks.groq, streamChat(true))).text());
    expect(got.at(-3)?.choices[0].finish_reason).toBe("stop");
    expect(got.at(-2)).toMatchObject({ choices: [], usage: { total_tokens: 353 } });
  });

  test("non-stream: timing usage and x_groq like the capture; 429 body", async () => {
    const res = await fetch(`${mocks.groq.baseUrl}/chat/completions`, { method: "POST", headers: authHeaders(mocks.groq), body: JSON.stringify(chat()) });
    const body = await res.json();
    expect(res.headers.get("x-request-id")).toMatch(/^req_01/);
    expect(shapeOf(body)).toMatchObject(shapeOf(JSON.parse(await fixture("groq-chat.json"))) as object);
    mocks.groq.setBehavior({ status: 429, headers: { "retry-after": "5" } });
    const limited = await post(mocks.groq, chat());
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "5"]);
    const error = (await limited.json()).error;
    expect(Object.keys(error)).toEqual(["message", "type", "code"]);
    expect(error.code).toBe("rate_limit_exceeded");
  });
});

describe("gemini", () => {
  test("stream: cumulative usage on every chunk, total includes thinking, no fingerprint", async () => {
    const got = events(await (await post(mocks.gemini, streamChat(false))).text());
    const chunks = got.slice(0, -1);
    const completions = chunks.map((c) => c.usage.completion_tokens);
    expect(completions).toEqual([...completions].sort((a, b) => a - b));
    expect(chunks.at(-1)?.usage).toEqual({ completion_tokens: 12, prompt_tokens: 35, total_tokens: 109 });
    expect(chunks.every((c) => c.usage.total_tokens === 35 + c.usage.completion_tokens + 62 && !("system_fingerprint" in c))).toBe(true);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("stop");
    expect(shapeOf(chunks[0])).toEqual(shapeOf((events(await fixture("gemini-stream.sse")))[0]));
    expect(got.at(-1)).toBe(DONE);
  });

  test("non-stream: completion excludes thinking, total includes it", async () => {
    mocks.gemini.setBehavior({ usage: { thinkingTokens: 100 } });
    const body = await (await post(mocks.gemini, chat({ model: "gemini-2.5-flash" }))).json();
    expect([body.model, body.usage]).toEqual(["gemini-2.5-flash", { completion_tokens: 12, prompt_tokens: 35, total_tokens: 147 }]);
  });

  test("errors are a JSON array; 401 and forced 429", async () => {
    const denied = await post(mocks.gemini, chat(), { headers: { authorization: "Bearer wrong" } });
    expect(denied.status).toBe(401);
    const deniedBody = await denied.json();
    expect(deniedBody[0].error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
    mocks.gemini.setBehavior({ status: 429 });
    const limited = await post(mocks.gemini, chat());
    const body = await limited.json();
    expect(limited.status).toBe(429);
    expect(shapeOf(body)).toMatchObject([{ error: { code: "number", message: "string", status: "string" } }]);
    expect(body[0].error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(Object.keys((errorBodies.gemini400 as Json[])[0]?.error)).toEqual(expect.arrayContaining(Object.keys(body[0].error)));
  });

  test("embeddings and models under /v1beta/openai", async () => {
    const emb = await post(mocks.gemini, { model: "gemini-embedding-001", input: "x" }, { url: `${mocks.gemini.baseUrl}/embeddings` });
    expect((await emb.json()).usage).toEqual({ prompt_tokens: 35, total_tokens: 35 });
    const models = await (await fetch(`${mocks.gemini.baseUrl}/models`, { headers: authHeaders(mocks.gemini) })).json();
    expect(models.data[0].id).toStartWith("models/gemini-");
  });
});

describe("azure", () => {
  test("api-key header only; 401 is Azure's body", async () => {
    const bearer = await post(mocks.azure, chat(), { headers: { authorization: `Bearer ${keys.azure}` } });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toEqual(errorBodies.azure401);
  });

  test("api-version and deployment handling", async () => {
    const base = `${mocks.azure.origin}/openai/deployments`;
    const cases = [
      [`${base}/prod-gpt4o/chat/completions`, 404, { error: { code: "404", message: "Resource not found" } }],
      [`${base}/prod-gpt4o/chat/completions?api-version=yesterday`, 400, { error: { code: "BadRequest", message: "API version not supported" } }],
      [`${base}/missing/chat/completions?${azureVersion}`, 404, errorBodies.azure404Deployment],
      [`${mocks.azure.origin}/openai/other?${azureVersion}`, 404, { error: { code: "404", message: "Resource not found" } }],
    ] as const;
    for (const [url, status, body] of cases) {
      const res = await post(mocks.azure, chat(), { url });
      expect([url, res.status, await res.json()]).toEqual([url, status, body]);
    }
    expect(mocks.azure.requests.map((r) => r.search)).toEqual(["", "?api-version=yesterday", `?${azureVersion}`, `?${azureVersion}`]);
  });

  test("names the deployment's underlying model; deployments are configurable", async () => {
    await using custom = await startMockUpstream("azure", { apiKey: "k2", azureDeployments: { emb: "text-embedding-3-small" } });
    const res = await post(custom, { input: "x" }, { url: `${custom.origin}/openai/deployments/emb/embeddings?${azureVersion}`, headers: { "api-key": "k2" } });
    expect((await res.json()).model).toBe("text-embedding-3-small");
    const body = await (await post(mocks.azure, chat({ model: "anything" }))).json();
    expect(body.model).toBe("gpt-4o-2024-11-20");
    expect(body.usage.total_tokens).toBe(113);
    expect(shapeOf(body)).toMatchObject(shapeOf({ ...JSON.parse(await fixture("azure-chat.json")), prompt_filter_results: [{}], choices: [{ content_filter_results: {} }] }) as object);
  });

  test("stream: prompt_filter_results chunk first, usage chunk only on include_usage", async () => {
    const verbatim = JSON.parse(await fixture("azure-stream-prompt-filter-chunk.json"));
    const withUsage = events(await (await post(mocks.azure, streamChat(true))).text());
    expect(withUsage[0]).toEqual(verbatim);
    expect(withUsage.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 86, completion_tokens: 27, total_tokens: 113 } });
    expect(withUsage.slice(1, -2).every((e) => e.usage === null && e.model === "gpt-4o-2024-11-20")).toBe(true);
    const without = events(await (await post(mocks.azure, streamChat())).text());
    expect(without[0]).toEqual(verbatim);
    expect(without.at(-2)?.choices[0].finish_reason).toBe("stop");
    expect(without.length).toBe(withUsage.length - 1);
  });
});

describe("behaviours", () => {
  test("errorBody, extra headers, rawBody, content/usage/model overrides", async () => {
    const m = mocks.openai;
    m.setBehavior({ errorBody: "upstream exploded", headers: { "set-cookie": "a=1", "x-request-id": "req_fixed" } });
    const raw = await post(m, chat());
    expect([raw.status, await raw.text(), raw.headers.get("x-request-id"), raw.headers.get("set-cookie")]).toEqual([500, "upstream exploded", "req_fixed", "a=1"]);

    m.setBehavior({ rawBody: '{"id": "truncated' });
    const invalid = await post(m, chat());
    expect([invalid.status, invalid.headers.get("content-type"), await invalid.text()]).toEqual([200, "application/json", '{"id": "truncated']);

    m.setBehavior({ contentChunks: ["a", "b"], usage: { promptTokens: 1000 }, responseModel: "gpt-4o-2099-01-01" });
    const body = await (await post(m, chat())).json();
    expect([body.model, body.choices[0].message.content, body.usage.prompt_tokens, body.usage.completion_tokens]).toEqual(["gpt-4o-2099-01-01", "ab", 1000, 48]);
    const streamed = events(await (await post(m, streamChat())).text());
    expect(streamed.map((e) => (e === DONE ? "[DONE]" : e.choices[0].delta.content))).toEqual(["", "a", "b", undefined, "[DONE]"]);
  });

  test("rawSse is sent verbatim, one write per element", async () => {
    const rawSse = ["event: error\n", 'data: {"error":{"message":"boom"}}\n\n', ": comment\n\n"];
    mocks.groq.setBehavior({ rawSse });
    const res = await post(mocks.groq, streamChat());
    expect([res.headers.get("content-type"), await res.text()]).toEqual(["text/event-stream", rawSse.join("")]);
    expect(mocks.groq.responses[0]?.chunks.map((c) => new TextDecoder().decode(c))).toEqual(rawSse);
  });

  test("delayHeadersMs holds the headers back", async () => {
    mocks.openai.setBehavior({ delayHeadersMs: 80 });
    const started = performance.now();
    const res = await post(mocks.openai, chat());
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(res.status).toBe(200);
    expect(mocks.openai.requests).toHaveLength(1);
  });

  test("chunkDelayMs sends each chunk as its own write", async () => {
    mocks.openai.setBehavior({ chunkDelayMs: 20, contentChunks: ["a", "b"] });
    const res = await post(mocks.openai, streamChat());
    const reads: Uint8Array[] = [];
    for await (const chunk of res.body ?? []) reads.push(chunk);
    expect(reads).toEqual(mocks.openai.responses[0]?.chunks ?? []);
    expect(reads).toHaveLength(5);
  });

  test("stallAfterChunks hangs until the client aborts", async () => {
    mocks.openai.setBehavior({ stallAfterChunks: 2 });
    const abort = new AbortController();
    const res = await post(mocks.openai, streamChat(), { signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (text.split("\n\n").length < 3) text += new TextDecoder().decode((await reader.read()).value);
    const next = reader.read();
    await waitFor(() => mocks.openai.stalled === 1, { message: "the stream never stalled" });
    abort.abort();
    expect(await next.then(() => "data", (e: Error) => e.name)).toBe("AbortError");
    expect(mocks.openai.responses[0]?.chunks).toHaveLength(2);
  });

  test("resetAfterChunks kills the connection without a terminating chunk", async () => {
    mocks.openai.setBehavior({ resetAfterChunks: 3 });
    const res = await post(mocks.openai, streamChat());
    const received: Uint8Array[] = [];
    const error = await (async () => {
      for await (const chunk of res.body ?? []) received.push(chunk);
    })().then(() => undefined, (e: Error & { code?: string }) => e.code ?? e.name);
    expect(error).toBe("ECONNRESET");
    // a reset may discard what the client had not read yet (RFC 9293 §3.10.7.4): what arrived is a prefix of what was sent
    const sent = concat(mocks.openai.responses[0]?.chunks ?? []);
    const got = concat(received);
    expect(got).toEqual(sent.subarray(0, got.byteLength));
    expect(mocks.openai.responses[0]?.chunks).toHaveLength(3);
  });

  test("resetAfterChunks: 0 fails the fetch itself", async () => {
    mocks.openai.setBehavior({ resetAfterChunks: 0 });
    expect(await post(mocks.openai, streamChat()).then(() => "response", () => "failed")).toBe("failed");
  });

  test("stop() ends a stalled stream and is idempotent; reset() clears state", async () => {
    const m = await startMockUpstream("openai");
    m.setBehavior({ stallAfterChunks: 1 });
    const reader = ((await post(m, streamChat())).body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const next = reader.read().then(() => "data", () => "closed");
    await Promise.all([m.stop(), m.stop()]);
    expect(await next).toBe("closed");
    m.reset();
    expect([m.requests.length, m.responses.length]).toEqual([0, 0]);
  });
});

test("defaultMockUsage has distinct totals per provider", () => {
  const totals = Object.values(defaultMockUsage).map((u) => u.promptTokens + u.completionTokens + u.thinkingTokens);
  expect(new Set(totals).size).toBe(totals.length);
});

/** `event:` names of an SSE body, in order. */
const eventNames = (text: string): string[] => text.split("\n").filter((l) => l.startsWith("event: ")).map((l) => l.slice(7));

describe("openai: Responses API", () => {
  const url = () => `${mocks.openai.baseUrl}/responses`;
  test("non-stream: a response object with output_text and usage (cached ⊂ input, reasoning ⊂ output)", async () => {
    mocks.openai.setBehavior({ usage: { reasoningTokens: 16 } });
    const body = await (await post(mocks.openai, { model: "o3-mini", input: "hi" }, { url: url() })).json();
    expect([body.object, body.status, body.model]).toEqual(["response", "completed", "o3-mini"]);
    expect(body.output.map((o: Json) => o.type)).toEqual(["reasoning", "message"]);
    expect(body.output[1].content[0]).toEqual({ type: "output_text", annotations: [], logprobs: [], text: "Hello from the mock upstream." });
    expect(body.usage).toEqual({ input_tokens: 120, input_tokens_details: { cached_tokens: 32 }, output_tokens: 48, output_tokens_details: { reasoning_tokens: 16 }, total_tokens: 168 });
  });
  test("stream: typed events, each event: line naming its data's type, usage only in response.completed", async () => {
    mocks.openai.setBehavior({ usage: { reasoningTokens: 0 }, contentChunks: ["a", "b"] });
    const text = await (await post(mocks.openai, { model: "gpt-4o", input: "hi", stream: true }, { url: url() })).text();
    const names = eventNames(text);
    expect(names).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const data = events(text);
    expect(data.map((d) => d.type)).toEqual(names);
    expect(data.map((d) => d.sequence_number)).toEqual(names.map((_, i) => i));
    expect(data.filter((d) => d.response?.usage).map((d) => d.type)).toEqual(["response.completed"]);
  });
  test("a tool call: a function_call item with its arguments", async () => {
    mocks.openai.setBehavior({ toolCall: { name: "f", arguments: '{"a":1}' } });
    const text = await (await post(mocks.openai, { model: "gpt-4o", input: "hi", stream: true }, { url: url() })).text();
    const done = events(text).find((d) => d.type === "response.function_call_arguments.done")!;
    expect(done.arguments).toBe('{"a":1}');
    expect(events(text).at(-1)!.response.output.at(-1)).toMatchObject({ type: "function_call", name: "f", arguments: '{"a":1}' });
  });
});

describe("anthropic: native Messages API", () => {
  const url = () => `${mocks.anthropic.baseUrl}/messages`;
  const usage = { promptTokens: 2000, completionTokens: 50, cachedTokens: 1500, cacheWriteTokens: 400, cacheWrite1hTokens: 100 };
  test("non-stream: a message whose input_tokens leaves out cache reads and writes", async () => {
    mocks.anthropic.setBehavior({ usage });
    const body = await (await post(mocks.anthropic, { model: "claude-x", max_tokens: 9, messages: [] }, { url: url(), headers: { "x-api-key": keys.anthropic } })).json();
    expect([body.type, body.role, body.stop_reason, body.content]).toEqual(["message", "assistant", "end_turn", [{ type: "text", text: "Hello from the mock upstream." }]]);
    expect(body.usage).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 400,
      cache_read_input_tokens: 1500,
      cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 100 },
      output_tokens: 50,
      service_tier: "standard",
    });
  });
  test("stream: message_start with the input counts, text deltas, message_delta with the final output count", async () => {
    mocks.anthropic.setBehavior({ usage, contentChunks: ["a", "b"] });
    const text = await (await post(mocks.anthropic, { model: "claude-x", max_tokens: 9, messages: [], stream: true }, { url: url(), headers: { "x-api-key": keys.anthropic } })).text();
    expect(eventNames(text)).toEqual(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    const data = events(text);
    expect([data[0]!.message.usage.input_tokens, data[0]!.message.usage.output_tokens, data.at(-2)!.usage]).toEqual([100, 1, { output_tokens: 50 }]);
  });
  test("tool use: a tool_use block, its input streamed as input_json_delta", async () => {
    mocks.anthropic.setBehavior({ toolCall: { name: "f", arguments: '{"a":1}' } });
    const body = await (await post(mocks.anthropic, { model: "claude-x", max_tokens: 9, messages: [] }, { url: url(), headers: { "x-api-key": keys.anthropic } })).json();
    expect([body.stop_reason, body.content[0].type, body.content[0].name, body.content[0].input]).toEqual(["tool_use", "tool_use", "f", { a: 1 }]);
  });
});
