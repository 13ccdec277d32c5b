/**
 * SIGTERM while non-streamed answers are still being written (their
 * clients read slowly): the process waits until the last byte is written
 * before closing, so each client gets its whole answer and the event's
 * 200 and cost describe what the client actually received.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { spawnLectr } from "../helpers/process.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { holdSocket, parseAnswer } from "./raw-http.ts";

let mock: MockUpstream;
let dir: string;
beforeAll(async () => {
  mock = await startMockUpstream("openai");
  dir = mkdtempSync(join(tmpdir(), "lectr-drain-"));
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

// just under the 8 MiB Lectr reads whole, so the cost is known before the first byte is written
const content = "x".repeat(7_500_000);
const body = JSON.stringify({
  id: "chatcmpl-drain",
  object: "chat.completion",
  created: 1_781_536_547,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
  usage: { prompt_tokens: 11, completion_tokens: 1_000, total_tokens: 1_011 },
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.on("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });

test("SIGTERM while 3 slow readers are still receiving 7.5 MB answers: every byte arrives, exit 0, events match", async () => {
  const db = join(dir, "lectr.db");
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  const port = Number(new URL(lectr.url).port);
  mock.setBehavior({ rawBody: body });
  const request = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
  const clients = await Promise.all(
    Array.from({ length: 3 }, () =>
      holdSocket(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer sk-test-openai\r\n` +
          `x-lectr-key: ${lectr.key}\r\ncontent-length: ${request.length}\r\nconnection: close\r\n\r\n${request}`,
      ),
    ),
  );
  try {
    // each client stops reading once the first 64 KB of its answer are in
    let reading = false;
    for (const c of clients) c.socket.on("data", () => !reading && c.received().length > 65_536 && c.socket.pause());
    await waitFor(() => clients.every((c) => c.received().length > 65_536), { message: "answers did not begin" });
    lectr.kill("SIGTERM");
    await waitFor(async () => !(await listening(port)), { message: "the listener did not close" });
    reading = true;
    for (const c of clients) c.socket.resume();
    await waitFor(() => clients.every((c) => c.closed()), { timeoutMs: 20_000, message: "answers did not end" });
    const answers = clients.map((c) => parseAnswer(c.received()));
    expect(answers.map((a) => [a.status, a.body.length, a.headers["x-lectr-cost-usd"] !== undefined])).toEqual(Array(3).fill([200, body.length, true]));
    expect(answers.every((a) => a.body === body)).toBe(true);
    expect(await lectr.exited).toBe(0);
  } finally {
    for (const c of clients) c.close();
    lectr.kill("SIGKILL");
  }
  const client = createClient({ url: `file:${db}` });
  const rows = (await client.execute("SELECT status, error_code, output_tokens FROM events")).rows.map((r) => [Number(r.status), r.error_code, Number(r.output_tokens)]);
  client.close();
  expect(rows).toEqual(Array(3).fill([200, null, 1_000]));
}, 30_000);
