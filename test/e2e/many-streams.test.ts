/**
 * 1,000 slow streams at once through a real Lectr process: every one
 * completes with every chunk, and each leaves exactly one event. (10,000
 * streams, with Lectr's memory, are measured by `npm run bench:streams`.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { spawnLectr } from "../helpers/process.ts";

const streams = 1000;
const chunksPerStream = 5;
let dir: string;
let open = 0;
let peak = 0;
// Every stream holds its first chunk until all are open upstream (or 20 s passed), so
// "all open together" does not depend on how fast a busy machine accepts them: a
// gateway that queued requests would still leave the later ones waiting for the first.
let allOpen!: () => void;
const allArrived = new Promise<void>((r) => (allOpen = r));
// a slow OpenAI-style stream: a chunk every 100 ms, then usage and [DONE]
const mock = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(r) {
    await r.text();
    open++;
    peak = Math.max(peak, open);
    if (peak === streams) allOpen();
    let i = 0;
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (i === 0) await Promise.race([allArrived, Bun.sleep(20_000)]);
        await Bun.sleep(100);
        if (i < chunksPerStream) {
          c.enqueue(enc.encode(`data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"t${i}"}}]}\n\n`));
        } else {
          c.enqueue(enc.encode(`data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}\n\ndata: [DONE]\n\n`));
          open--;
          c.close();
        }
        i++;
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  },
});
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lectr-streams-"));
});
afterAll(() => {
  mock.stop(true);
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
});

// The test runner's own fetch runs at most 256 requests at once; node:http does not.
function stream(url: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: "POST", agent, headers: { "x-lectr-key": key, "content-type": "application/json", authorization: "Bearer sk" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve(text));
    });
    r.on("error", reject);
    r.end(JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [] }));
  });
}

test(`${streams} concurrent slow streams all complete, one event each`, async () => {
  const db = join(dir, "lectr.db");
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: `http://127.0.0.1:${mock.port}/v1`, LECTR_LOG_LEVEL: "info" });
  try {
    const texts = await Promise.all(Array.from({ length: streams }, () => stream(`${lectr.url}/v1/chat/completions`, lectr.key!)));
    // they were all open upstream together, not queued
    expect(peak).toBe(streams);
    expect(texts.every((t) => t.includes('"content":"t4"') && t.trimEnd().endsWith("data: [DONE]"))).toBe(true);
    lectr.kill("SIGTERM");
    expect(await lectr.exited).toBe(0);
  } finally {
    // a failed assertion must not leave the process running
    lectr.kill("SIGKILL");
  }
  const client = createClient({ url: `file:${db}` });
  const rows = (await client.execute("SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(input_tokens) AS input FROM events WHERE streamed = 1 AND status = 200 AND error_code IS NULL")).rows[0]!;
  client.close();
  expect([Number(rows.n), Number(rows.ids), Number(rows.input)]).toEqual([streams, streams, 3 * streams]);
}, 60_000);
