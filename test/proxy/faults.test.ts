/**
 * Upstream faults the errors suite does not cover: malformed streams and
 * bodies, a body without usage, a connection cut in the middle of a
 * non-streaming body, and oversized headers. Each: a clear answer, never a
 * crash or a hang, and one event.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const chat = { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] };
const last = async () => (await f.lectr.events())[0]!;

test("malformed SSE passes through untouched; the event has no usage and no crash", async () => {
  f.mocks.openai.reset();
  const frames = ["data: {not json}\n\n", "event: weird\ndata: [1,2\n\n", ": comment only\n\n", "data: [DONE]\n\n"];
  f.mocks.openai.setBehavior({ rawSse: frames });
  const res = await f.post("/v1/chat/completions", { ...chat, stream: true, stream_options: { include_usage: true } });
  expect(await res.text()).toBe(frames.join(""));
  const e = await last();
  expect([e.status, e.error_code, e.input_tokens, e.cost_usd]).toEqual([200, null, null, null]);
});

test("an invalid JSON body from the provider reaches the client as sent", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ rawBody: '{"id": "x", "choices": [ oops' });
  const res = await f.post("/v1/chat/completions", chat);
  expect([res.status, await res.text()]).toEqual([200, '{"id": "x", "choices": [ oops']);
  const e = await last();
  expect([e.status, e.input_tokens, e.response_model]).toEqual([200, null, null]);
});

test("a body without usage: recorded with unknown tokens and cost, counted with the unpriced calls, never $0", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ rawBody: JSON.stringify({ id: "c1", object: "chat.completion", model: "gpt-4o-2024-08-06", choices: [] }) });
  await (await f.post("/v1/chat/completions", chat)).text();
  const e = await last();
  expect([e.input_tokens, e.output_tokens, e.cost_usd, e.price_known, e.cost_source, e.response_model]).toEqual([null, null, null, false, "unpriced", "gpt-4o-2024-08-06"]);
});

test("a non-streaming body cut off mid-way: the client gets a clean 502, the event says upstream_unreachable", async () => {
  // a raw TCP server: promises 1000 bytes, sends 20, then resets
  const server: Server = createServer((socket) => {
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":\"chatcmpl-1\",");
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await using l: TestLectr = await startLectr({ baseUrls: { openai: `http://127.0.0.1:${port}/v1` } });
  try {
    const res = await l.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk" },
      body: JSON.stringify(chat),
    });
    const body = (await res.json()) as { error: { code: string } };
    expect([res.status, body.error.code]).toEqual([502, "upstream_unreachable"]);
    const e = (await l.events())[0]!;
    expect([e.status, e.error_code]).toEqual([502, "upstream_unreachable"]);
  } finally {
    server.close();
  }
});

test("a huge header value: a clear refusal, the server keeps serving", async () => {
  const res = await f.post("/v1/chat/completions", chat, { "x-lectr-feature": "f".repeat(64 * 1024) });
  expect([400, 413, 431]).toContain(res.status);
  await res.arrayBuffer();
  // still serving
  expect((await f.post("/v1/chat/completions", chat)).status).toBe(200);
});
