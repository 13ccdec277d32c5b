/**
 * What Lectr answers itself: bad credentials, bad headers, oversized bodies,
 * Azure without configuration, unreachable and slow upstreams; and provider
 * errors passed through. Every authenticated request leaves exactly one event.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createKey, createOrg, revokeKey } from "../../src/db/orgs.ts";
import { countEvents } from "../../src/db/events.ts";
import { loadConfig } from "../../src/config.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
/** How far the key cache's clock is ahead of real time. */
let skewMs = 0;
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_MAX_BODY_BYTES: "1024" }, now: () => Date.now() + skewMs });
});
afterAll(() => f.stop());

const chat = { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] };

async function errorOf(res: Response) {
  return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; code: string } } };
}

describe("401: org key", () => {
  test.each([
    ["missing", undefined],
    ["malformed", "not-a-key"],
    ["unknown", "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ])("%s key → 401 invalid_lectr_key, nothing forwarded, no event", async (_name, key) => {
    f.mocks.openai.reset();
    const before = await countEvents(f.lectr.lectr.database.db);
    const headers: Record<string, string> = { "content-type": "application/json", authorization: "Bearer sk-test-openai" };
    if (key) headers["x-lectr-key"] = key;
    const res = await f.lectr.request("/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(chat) });
    const { status, body } = await errorOf(res);
    expect([status, body.error.type, body.error.code]).toEqual([401, "invalid_request_error", "invalid_lectr_key"]);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(f.mocks.openai.requests.length).toBe(0);
    await f.lectr.lectr.recorder.settled();
    expect(await countEvents(f.lectr.lectr.database.db)).toBe(before);
  });

  test("a revoked key keeps working from the cache until its TTL, then is refused", async () => {
    const { key, keyRow } = await createKey(f.lectr.lectr.database.db, f.lectr.orgId);
    const send = () => f.post("/v1/chat/completions", chat, { "x-lectr-key": key });
    expect((await send()).status).toBe(200);
    await revokeKey(f.lectr.lectr.database.db, keyRow.id);
    // another process revoked it: this one answers from its cache while the entry is fresh
    expect((await send()).status).toBe(200);
    skewMs += loadConfig({}).keyCacheTtlMs;
    const refused = await send();
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([401, "invalid_lectr_key"]);
  });
});

describe("400/413: rejected by Lectr, recorded with the status and code it answered", () => {
  test.each([
    ["X-Lectr-Provider", { "x-lectr-provider": "bedrock" }, chat, 400, "invalid_lectr_provider", /openai, anthropic, groq, gemini, azure/],
    ["X-Lectr-Task", { "x-lectr-task": "poetry" }, chat, 400, "invalid_lectr_task", /classification/],
    ["X-Lectr-Feature", { "x-lectr-feature": "f".repeat(129) }, chat, 400, "invalid_lectr_feature", /128/],
    ["body too large", {}, { ...chat, pad: "x".repeat(2000) }, 413, "request_too_large", /1024 bytes/],
  ])("%s", async (_name, headers, body, status, code, message) => {
    f.mocks.openai.reset();
    const res = await f.post("/v1/chat/completions", body, headers as Record<string, string>);
    const e = await errorOf(res);
    expect([e.status, e.body.error.code, e.body.error.type]).toEqual([status, code, "invalid_request_error"]);
    expect(e.body.error.message).toMatch(message);
    expect(f.mocks.openai.requests.length).toBe(0);
    const ev = (await f.lectr.events())[0]!;
    expect(ev.id).toBe(res.headers.get("x-lectr-request-id")!);
    expect([ev.status, ev.error_code]).toEqual([status, code]);
  });

  test("413 for a chunked upload is answered while it streams in", async () => {
    const big = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new Uint8Array(600).fill(0x61));
        c.close();
      },
    });
    const res = await f.lectr.request("/v1/chat/completions", {
      method: "POST",
      headers: { "x-lectr-key": f.lectr.key, authorization: "Bearer sk" },
      body: big,
      // @ts-expect-error Bun and Node need duplex for a streamed request body
      duplex: "half",
    });
    expect((await errorOf(res)).status).toBe(413);
  });

  test("azure without a configured endpoint → 400 azure_endpoint_not_configured", async () => {
    const { key, org } = await createOrg(f.lectr.lectr.database.db, "no-azure");
    f.mocks.azure.reset();
    const res = await f.post("/v1/chat/completions", { ...chat, model: "prod-gpt4o" }, { "x-lectr-key": key, "x-lectr-provider": "azure" });
    const e = await errorOf(res);
    expect([e.status, e.body.error.code]).toEqual([400, "azure_endpoint_not_configured"]);
    expect(f.mocks.azure.requests.length).toBe(0);
    const ev = (await f.lectr.events(org.id))[0]!;
    expect([ev.provider, ev.status, ev.error_code, ev.model]).toEqual(["azure", 400, "azure_endpoint_not_configured", "prod-gpt4o"]);
  });
});

describe("provider errors pass through unchanged", () => {
  test.each([429, 500, 503])("openai %d with its body and retry-after", async (status) => {
    f.mocks.openai.reset();
    f.mocks.openai.setBehavior({ status, headers: { "retry-after": "7" } });
    const res = await f.post("/v1/chat/completions", chat);
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.text()).toBe(new TextDecoder().decode(f.mocks.openai.responses[0]!.chunks[0]));
    const ev = (await f.lectr.events())[0]!;
    expect([ev.status, ev.error_code]).toEqual([status, "upstream_error"]);
  });

  test("anthropic 529 overloaded passes through", async () => {
    f.mocks.anthropic.reset();
    f.mocks.anthropic.setBehavior({ status: 529 });
    const res = await f.post("/v1/chat/completions", { ...chat, model: "claude-opus-4-7" }, { authorization: `Bearer ${providerKeys.anthropic}` });
    expect(res.status).toBe(529);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("overloaded_error");
  });

  test("a provider 401 (bad provider key) is the provider's answer, not Lectr's", async () => {
    f.mocks.openai.reset();
    const res = await f.post("/v1/chat/completions", chat, { authorization: "Bearer sk-wrong" });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(new TextDecoder().decode(f.mocks.openai.responses[0]!.chunks[0]));
  });

  test("gemini's array-wrapped error is unwrapped into OpenAI's envelope", async () => {
    f.mocks.gemini.reset();
    f.mocks.gemini.setBehavior({ status: 400 });
    const res = await f.post("/v1/chat/completions", { ...chat, model: "gemini-2.5-pro" }, { authorization: `Bearer ${providerKeys.gemini}` });
    const sent = JSON.parse(new TextDecoder().decode(f.mocks.gemini.responses[0]!.chunks[0])) as [{ error: { message: string; status: string } }];
    expect(Array.isArray(sent)).toBe(true);
    const e = await errorOf(res);
    expect(e).toEqual({
      status: 400,
      body: { error: { message: sent[0].error.message, type: "invalid_request_error", param: null, code: sent[0].error.status } } as never,
    });
  });
});

describe("upstream failures", () => {
  let slow: TestLectr;
  beforeAll(async () => {
    slow = await startLectr({ env: { LECTR_UPSTREAM_TIMEOUT_MS: "300" }, baseUrls: { openai: f.mocks.openai.baseUrl, groq: "http://127.0.0.1:1/openai/v1" } });
  });
  afterAll(() => slow.stop());
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    slow.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": slow.key, authorization: "Bearer sk-test-openai", ...headers },
      body: JSON.stringify(body),
    });

  test("connection refused → 502 upstream_unreachable", async () => {
    const res = await send({ ...chat, model: "llama-3.1-8b-instant" });
    const e = await errorOf(res);
    expect([e.status, e.body.error.code, e.body.error.type]).toEqual([502, "upstream_unreachable", "api_error"]);
    const ev = (await slow.events())[0]!;
    expect([ev.provider, ev.status, ev.error_code]).toEqual(["groq", 502, "upstream_unreachable"]);
  });

  test("no headers within the timeout → 504 upstream_timeout", async () => {
    f.mocks.openai.reset();
    f.mocks.openai.setBehavior({ delayHeadersMs: 2_000 });
    const res = await send(chat);
    const e = await errorOf(res);
    expect([e.status, e.body.error.code]).toEqual([504, "upstream_timeout"]);
    const ev = (await slow.events())[0]!;
    expect([ev.status, ev.error_code]).toEqual([504, "upstream_timeout"]);
    expect(ev.latency_ms).toBeGreaterThanOrEqual(290);
    expect(ev.latency_ms).toBeLessThan(1_500);
  });

  test("a stream that stalls past the timeout ends with an SSE error and is recorded upstream_timeout", async () => {
    f.mocks.openai.reset();
    f.mocks.openai.setBehavior({ stallAfterChunks: 2 });
    const res = await send({ ...chat, stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    const last = text.trimEnd().split("\n\n").pop()!;
    expect(JSON.parse(last.replace(/^data: /, ""))).toMatchObject({ error: { code: "upstream_timeout" } });
    const ev = (await slow.events())[0]!;
    expect([ev.status, ev.error_code, ev.streamed]).toEqual([200, "upstream_timeout", true]);
  });

  test("a stream reset mid-way ends with an SSE error and is recorded upstream_unreachable", async () => {
    f.mocks.openai.reset();
    f.mocks.openai.setBehavior({ resetAfterChunks: 3, chunkDelayMs: 5 });
    const res = await send({ ...chat, stream: true });
    const text = await res.text();
    expect(text).toContain('"code":"upstream_unreachable"');
    const ev = (await slow.events())[0]!;
    expect([ev.status, ev.error_code]).toEqual([200, "upstream_unreachable"]);
  });
});

test("unknown paths outside /v1 get an OpenAI-shaped 404", async () => {
  const res = await f.lectr.request("/nope");
  const e = await errorOf(res);
  expect([e.status, e.body.error.code]).toEqual([404, "not_found"]);
});

describe("stream idle timeout", () => {
  let idle: TestLectr;
  beforeAll(async () => {
    idle = await startLectr({ env: { LECTR_STREAM_IDLE_TIMEOUT_MS: "1000" }, baseUrls: { openai: f.mocks.openai.baseUrl } });
  });
  afterAll(() => idle.stop());

  test("a stream silent longer than LECTR_STREAM_IDLE_TIMEOUT_MS ends with an SSE error; slow but steady streams are not cut", async () => {
    const send = () =>
      idle.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": idle.key, authorization: "Bearer sk-test-openai" },
        body: JSON.stringify({ ...chat, stream: true }),
      });
    f.mocks.openai.reset();
    // 13 frames 100 ms apart: longer in total than the timeout, never near 1 s silent, so a busy
    // machine's late timers cannot make a steady stream look idle
    f.mocks.openai.setBehavior({ chunkDelayMs: 100, contentChunks: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] });
    const steady = await (await send()).text();
    expect(steady.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect((await idle.events())[0]!.error_code).toBeNull();

    f.mocks.openai.reset();
    f.mocks.openai.setBehavior({ stallAfterChunks: 2 });
    // the mock never sends the rest: only the idle timeout can end this stream
    const text = await (await send()).text();
    expect(text).toContain('"code":"upstream_timeout"');
    const ev = (await idle.events())[0]!;
    expect([ev.status, ev.error_code]).toEqual([200, "upstream_timeout"]);
  });
});

test("a client that disconnects while still uploading is recorded as client_aborted", async () => {
  const before = (await f.lectr.events()).length;
  const ac = new AbortController();
  let push!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
  const pending = fetch(`${f.lectr.url}/v1/chat/completions`, {
    method: "POST",
    signal: ac.signal,
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai" },
    body,
    // @ts-expect-error Bun and Node need duplex for a streamed request body
    duplex: "half",
  }).catch(() => undefined);
  push.enqueue(new TextEncoder().encode('{"model":"gpt-4o","messages":['));
  // Lectr has taken the request and is reading its body
  await waitFor(() => f.lectr.lectr.inflight > 0);
  ac.abort();
  await pending;
  await waitFor(async () => (await f.lectr.events()).length > before, { message: "the aborted upload was not recorded" });
  const ev = (await f.lectr.events())[0]!;
  expect([ev.status, ev.error_code]).toEqual([499, "client_aborted"]);
});
