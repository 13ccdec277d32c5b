/**
 * What a provider (or an org's endpoint) cannot make Lectr do: answer with a status HTTP does not
 * have, or record a model of any length. Each: a clear answer and one event.
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

/** A raw TCP upstream answering every request with `head` and a small JSON body. */
async function rawUpstream(statusLine: string): Promise<Server & { port: number }> {
  const server = createServer((socket) => {
    socket.once("data", () => socket.end(`${statusLine}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

test.each(["HTTP/1.1 600 Weird", "HTTP/1.1 999 Odd"])("an upstream status outside 200–599 (%s): 502 upstream_invalid_status, recorded as such", async (statusLine) => {
  const server = await rawUpstream(statusLine);
  await using l: TestLectr = await startLectr({ baseUrls: { openai: `http://127.0.0.1:${server.port}/v1` } });
  try {
    const res = await l.request(`/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk" },
      body: JSON.stringify(chat),
    });
    const body = (await res.json()) as { error: { code: string; type: string } };
    expect([res.status, body.error.code, body.error.type]).toEqual([502, "upstream_invalid_status", "api_error"]);
    const events = await l.events();
    expect(events.map((e) => [e.status, e.error_code])).toEqual([[502, "upstream_invalid_status"]]);
  } finally {
    server.close();
  }
});

test("a model longer than 256 characters: 400 invalid_model, nothing forwarded, one event with the model cut to 256", async () => {
  f.mocks.openai.reset();
  const before = (await f.lectr.events()).length;
  const model = "gpt-4o-" + "x".repeat(5000);
  const res = await f.post("/v1/chat/completions", { ...chat, model });
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect([res.status, body.error.code]).toEqual([400, "invalid_model"]);
  expect(body.error.message.length).toBeLessThan(200);
  expect(f.mocks.openai.requests.length).toBe(0);
  const events = await f.lectr.events();
  expect(events.length).toBe(before + 1);
  expect([events[0]!.status, events[0]!.error_code, events[0]!.model]).toEqual([400, "invalid_model", model.slice(0, 256)]);
});

test("a model of exactly 256 characters goes through", async () => {
  f.mocks.openai.reset();
  const model = "gpt-4o-" + "y".repeat(249);
  const res = await f.post("/v1/chat/completions", { ...chat, model });
  expect(res.status).toBe(200);
  expect((f.mocks.openai.requests[0]!.json as { model: string }).model).toBe(model);
});

test("a provider naming a huge response model: recorded cut to 256 characters", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ responseModel: "gpt-4o-" + "z".repeat(100_000) });
  const res = await f.post("/v1/chat/completions", chat);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  const e = (await f.lectr.events())[0]!;
  expect(e.response_model).toBe(("gpt-4o-" + "z".repeat(100_000)).slice(0, 256));
});

test("a gzip body small on the wire but past 8 MiB decoded is counted decoded: it streams through instead of being held whole", async () => {
  // ~20 MiB of JSON in ~20 KB of gzip, with a content-length that fits the read-whole cap
  const decoded = JSON.stringify({ object: "list", data: [{ object: "embedding", index: 0, embedding: "A".repeat(20 * 1024 * 1024) }], model: "text-embedding-3-small", usage: { prompt_tokens: 5, total_tokens: 5 } });
  const gz = Bun.gzipSync(new TextEncoder().encode(decoded));
  const half = Math.floor(gz.length / 2);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server: Server = createServer((socket) => {
    socket.once("data", async () => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${gz.length}\r\nconnection: close\r\n\r\n`);
      socket.write(gz.subarray(0, half));
      await released;
      socket.end(gz.subarray(half));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await using l: TestLectr = await startLectr({ baseUrls: { openai: `http://127.0.0.1:${port}/v1` } });
  try {
    const res = await l.request(`/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk" },
      body: JSON.stringify({ model: "text-embedding-3-small", input: "x" }),
    });
    expect([res.status, res.headers.get("x-lectr-cost-usd")]).toEqual([200, null]);
    const reader = res.body!.getReader();
    let received = 0;
    const chunks: Uint8Array[] = [];
    // while the provider still holds back half of its body, more than the cap has already reached the client
    while (received <= 8 * 1024 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      chunks.push(value);
    }
    expect(received).toBeGreaterThan(8 * 1024 * 1024);
    release();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    expect(Buffer.concat(chunks).toString("utf8") === decoded).toBe(true);
    const events = await l.events();
    expect(events.map((e) => [e.status, e.error_code, e.input_tokens])).toEqual([[200, null, 5]]);
  } finally {
    release();
    server.close();
  }
});
