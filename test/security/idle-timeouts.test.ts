/**
 * Idle connections are closed (LECTR_IDLE_TIMEOUT_MS), a request whose
 * headers never finish too, and neither cuts a slow upstream answer or a
 * live stream. The two tests only wait, so they run at the same time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { holdSocket, type HeldSocket } from "./raw-http.ts";

let mock: MockUpstream;
let t: TestLectr;
let port: number;
beforeAll(async () => {
  mock = await startMockUpstream("openai");
  t = await startLectr({ baseUrls: { openai: mock.baseUrl }, env: { LECTR_IDLE_TIMEOUT_MS: "1000" } });
  port = Number(new URL(t.url).port);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

const chat = (stream = false) => JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] });

describe("idle and header timeouts, never cutting a live answer", () => {
  test.concurrent("an idle keep-alive connection and one that never finishes its headers are closed", async () => {
    using idle = disposable(await holdSocket(port, "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n"));
    using partial = disposable(await holdSocket(port, "GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: "));
    await waitFor(() => idle.received().includes('{"status":"ok"}'));
    await waitFor(() => idle.closed() && partial.closed(), { timeoutMs: 25_000, message: "idle connections were left open" });
    expect(partial.received()).toBe("");
  }, 30_000);

  test.concurrent("an upstream silent for longer than the idle timeout: plain answers (GET and POST) and the stream all arrive whole", async () => {
    // Bun's idle timer runs from the start of a request (about 4 s at a 1 s setting), whatever the traffic
    mock.setBehavior({ delayHeadersMs: 5_000, chunkDelayMs: 300, contentChunks: ["one", "two"] });
    try {
      const send = (stream: boolean) =>
        fetch(`${t.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lectr-key": t.key, authorization: "Bearer sk-test-openai" },
          body: chat(stream),
        });
      const list = fetch(`${t.url}/v1/models`, { headers: { "x-lectr-key": t.key, authorization: "Bearer sk-test-openai" } });
      const [plain, streamed, models] = await Promise.all([send(false), send(true), list]);
      expect([plain.status, (await plain.json()).object]).toEqual([200, "chat.completion"]);
      expect([models.status, (await models.json()).object]).toEqual([200, "list"]);
      const text = await streamed.text();
      expect(text).toContain('"one"');
      expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    } finally {
      mock.setBehavior({});
    }
  }, 30_000);
});

function disposable(s: HeldSocket): HeldSocket & Disposable {
  return Object.assign(s, { [Symbol.dispose]: () => s.close() });
}
