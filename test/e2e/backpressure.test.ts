/**
 * A client that stops reading a stream slows the provider down instead of
 * making Lectr hold the stream in memory: the upstream can only write what
 * the sockets and Lectr's small buffers take, and everything arrives once the
 * client reads again, byte for byte, with one event.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { waitFor } from "../helpers/wait-for.ts";

// far more than loopback socket buffers can hold (here up to 32 MB per receive buffer)
const events = 200_000;
const event = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${"x".repeat(900)}${i}"}}]}\n\n`;
const tail = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}\n\ndata: [DONE]\n\n`;
const total = Array.from({ length: events }, (_, i) => event(i).length).reduce((a, b) => a + b, 0) + tail.length;

let written = 0;
let upstream: http.Server;
let lectr: TestLectr;
let socket: net.Socket | undefined;

beforeAll(async () => {
  // Node's http server honours backpressure itself: it writes only while the socket drains.
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let i = 0;
      const pump = () => {
        while (i < events) {
          const chunk = event(i++);
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        written += tail.length;
        res.end(tail);
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const { port } = upstream.address() as AddressInfo;
  lectr = await startLectr({ baseUrls: { openai: `http://127.0.0.1:${port}/v1` } });
});

afterAll(async () => {
  // a failed run leaves the paused client connected; the stream would hold shutdown
  socket?.destroy();
  await lectr.stop();
  upstream.close();
});

test("a client that stops reading holds the provider back, then gets every byte", async () => {
  const { port } = new URL(lectr.url);
  const request = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
  const client = net.connect(Number(port), "127.0.0.1");
  socket = client;
  await new Promise<void>((resolve) => client.once("connect", resolve));
  const received: Buffer[] = [];
  client.on("data", (d: Buffer) => received.push(d));
  client.pause();
  client.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer sk-test\r\nx-lectr-key: ${lectr.key}\r\ncontent-length: ${Buffer.byteLength(request)}\r\nconnection: close\r\n\r\n${request}`,
  );
  // Wait until the upstream stops making progress: it is blocked on full buffers (no write in 300 ms).
  let last = -1;
  let since = Date.now();
  await waitFor(
    () => {
      if (written !== last) [last, since] = [written, Date.now()];
      return Date.now() - since >= 300;
    },
    { timeoutMs: 20_000, intervalMs: 50, message: "the upstream never stopped writing" },
  );
  expect(written).toBeGreaterThan(0);
  // ~200 MB in all; what got out while nobody read is what the socket buffers hold, not the stream
  expect(written).toBeLessThan(total / 2);

  client.resume();
  await new Promise<void>((resolve) => client.once("end", resolve));
  const raw = Buffer.concat(received);
  // chunked framing removed: every byte arrived, in order, ending with the usage chunk and [DONE]
  const body = dechunk(raw.subarray(raw.indexOf("\r\n\r\n") + 4));
  expect(body.length).toBe(total);
  expect(body.subarray(body.length - tail.length).toString()).toBe(tail);
  expect(body.subarray(body.length - tail.length - event(events - 1).length, body.length - tail.length).toString()).toBe(event(events - 1));

  await lectr.lectr.recorder.settled();
  const [e] = await lectr.events();
  expect(e).toMatchObject({ streamed: true, status: 200, error_code: null, input_tokens: 3, output_tokens: 5 });
}, 60_000);

function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf("\r\n", at);
    const size = Number.parseInt(b.subarray(at, eol).toString(), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
