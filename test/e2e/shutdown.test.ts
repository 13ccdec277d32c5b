/**
 * Graceful shutdown of the real process: SIGTERM while streams are in
 * flight lets every stream finish, writes every event, and exits 0.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { spawnLectr } from "../helpers/process.ts";
import { waitFor } from "../helpers/wait-for.ts";

let mock: MockUpstream;
let dir: string;
beforeAll(async () => {
  mock = await startMockUpstream("openai");
  dir = mkdtempSync(join(tmpdir(), "lectr-shutdown-"));
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("SIGTERM with 100 streams and 20 plain requests in flight: all complete, all 120 events on disk, exit 0", async () => {
  const db = join(dir, "lectr.db");
  const lectr = await spawnLectr({ LECTR_DB_URL: `file:${db}`, LECTR_OPENAI_BASE_URL: mock.baseUrl });
  expect(lectr.key).toMatch(/^lk_/);
  mock.setBehavior({ chunkDelayMs: 30, delayHeadersMs: 100, contentChunks: ["one", "two", "three", "four", "five", "six"] });
  const send = (stream: boolean) =>
    fetch(`${lectr.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": lectr.key!, authorization: "Bearer sk-test-openai" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] }),
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const pending = [...Array.from({ length: 100 }, () => send(true)), ...Array.from({ length: 20 }, () => send(false))];
  // signal once every request has reached the upstream
  await waitFor(() => mock.requests.length >= 120, { intervalMs: 5 });
  lectr.kill("SIGTERM");
  const results = await Promise.all(pending);
  expect(results.every((r) => r.status === 200)).toBe(true);
  expect(results.slice(0, 100).every((r) => r.text.trimEnd().endsWith("data: [DONE]"))).toBe(true);
  expect(await lectr.exited).toBe(0);

  const client = createClient({ url: `file:${db}` });
  const rows = (await client.execute("SELECT streamed, status, input_tokens, error_code FROM events")).rows;
  client.close();
  expect(rows.length).toBe(120);
  expect(rows.filter((r) => Number(r.streamed) === 1).length).toBe(100);
  expect(rows.every((r) => Number(r.status) === 200 && Number(r.input_tokens) === 120 && r.error_code === null)).toBe(true);
});
