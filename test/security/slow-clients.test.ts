/**
 * Clients that never finish cannot hold Lectr: a body still arriving after
 * LECTR_BODY_TIMEOUT_MS gets 408 (one event when authenticated), one
 * address cannot have more than LECTR_MAX_CONNECTIONS_PER_ADDRESS requests
 * in progress. Idle connections: idle-timeouts.test.ts. Loopback only,
 * bounded counts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { holdSocket, parseAnswer, rawRequest, type HeldSocket } from "./raw-http.ts";

const bodyTimeoutMs = 1_500;
const maxPerAddress = 12;
let mock: MockUpstream;
let t: TestLectr;
let port: number;
beforeAll(async () => {
  mock = await startMockUpstream("openai");
  t = await startLectr({
    baseUrls: { openai: mock.baseUrl },
    env: { LECTR_BODY_TIMEOUT_MS: String(bodyTimeoutMs), LECTR_MAX_CONNECTIONS_PER_ADDRESS: String(maxPerAddress), LECTR_IDLE_TIMEOUT_MS: "1000" },
  });
  port = Number(new URL(t.url).port);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

const chat = (stream = false) => JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] });
const head = (path: string, headers: Record<string, string>) =>
  `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("") +
  "\r\n";
/** Headers and the first bytes of a body that never finishes. */
const slowChat = (key: string, framing: "length" | "chunked") =>
  framing === "length"
    ? `${head("/v1/chat/completions", { "x-lectr-key": key, authorization: "Bearer sk-test-openai", "content-length": "4096" })}{"model":"gpt-4o-mini",`
    : `${head("/v1/chat/completions", { "x-lectr-key": key, authorization: "Bearer sk-test-openai", "transfer-encoding": "chunked" })}5\r\n{"mod\r\n`;
const normalChat = () =>
  fetch(`${t.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": t.key, authorization: "Bearer sk-test-openai" },
    body: chat(),
  });

describe("request-body deadline", () => {
  test.each(["length", "chunked"] as const)("/v1 body (%s) that stops arriving: 408 request_timeout, connection closed, one event", async (framing) => {
    const before = (await t.events()).length;
    using held = disposable(await holdSocket(port, slowChat(t.key, framing)));
    await waitFor(() => held.closed(), { timeoutMs: bodyTimeoutMs + 10_000, message: "the connection was not closed" });
    const a = parseAnswer(held.received());
    expect([a.status, a.headers.connection, JSON.parse(a.body)]).toEqual([
      408,
      "close",
      { error: { message: `The request body did not arrive within ${bodyTimeoutMs} ms.`, type: "invalid_request_error", code: "request_timeout", param: null } },
    ]);
    const events = await t.events();
    expect(events.length).toBe(before + 1);
    expect([events[0]!.status, events[0]!.error_code]).toEqual([408, "request_timeout"]);
  });

  test("/graphql body that stops arriving: 408 REQUEST_TIMEOUT, connection closed", async () => {
    using held = disposable(await holdSocket(port, `${head("/graphql", { "x-lectr-key": t.key, "content-length": "1000" })}{"query":`));
    await waitFor(() => held.closed(), { timeoutMs: bodyTimeoutMs + 10_000, message: "the connection was not closed" });
    const a = parseAnswer(held.received());
    expect([a.status, JSON.parse(a.body)]).toEqual([
      408,
      { errors: [{ message: `The request body did not arrive within ${bodyTimeoutMs} ms.`, extensions: { code: "REQUEST_TIMEOUT" } }] },
    ]);
  });
});

describe("one address cannot starve the others", () => {
  test(`40 slow bodies from one address: ${maxPerAddress} held, the rest refused at once; /healthz and a chat from another address answer meanwhile`, async () => {
    const before = (await t.events()).length;
    // another loopback address is another client
    const attacker = "127.0.0.2";
    const sockets: HeldSocket[] = [];
    try {
      for (let i = 0; i < 40; i++) sockets.push(await holdSocket(port, slowChat(t.key, i % 2 ? "length" : "chunked"), attacker));
      await waitFor(() => sockets.filter((s) => s.closed()).length >= 40 - maxPerAddress, { message: "the requests over the cap were not refused" });
      const refused = sockets.filter((s) => s.closed());
      expect(refused.length).toBe(40 - maxPerAddress);
      for (const s of refused) {
        const a = parseAnswer(s.received());
        expect([a.status, JSON.parse(a.body).error.code]).toEqual([429, "too_many_connections"]);
      }

      // while the attacker's requests are held
      const health = await fetch(`${t.url}/healthz`);
      const res = await normalChat();
      expect([health.status, res.status, (await res.json()).object]).toEqual([200, 200, "chat.completion"]);
      expect(sockets.filter((s) => !s.closed()).length).toBe(maxPerAddress);

      // the held ones end with 408 at the body deadline, each recorded once
      await waitFor(() => sockets.every((s) => s.closed()), { timeoutMs: bodyTimeoutMs + 10_000, message: "held requests were not ended" });
      const statuses = sockets.map((s) => parseAnswer(s.received()).status).sort();
      expect(statuses).toEqual([...Array(maxPerAddress).fill(408), ...Array(40 - maxPerAddress).fill(429)]);
      const events = (await t.events()).slice(0, (await t.events()).length - before);
      expect(events.map((e) => e.status).sort()).toEqual([...Array(maxPerAddress).fill(408), 200].sort());

      // the address gets its share back once its requests are done
      const again = await rawRequest(port, `GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect(again.status).toBe(200);
    } finally {
      for (const s of sockets) s.close();
    }
  }, 30_000);
});

function disposable(s: HeldSocket): HeldSocket & Disposable {
  return Object.assign(s, { [Symbol.dispose]: () => s.close() });
}
