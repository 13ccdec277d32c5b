/**
 * An attacker on loopback runs the four ways to stall Lectr at once —
 * unauthenticated fragment fan-out, heavy authenticated GraphQL batches,
 * bodies that never finish, and an SSE event that never ends — while a
 * normal client keeps sending chat completions. The normal client gets every
 * answer and every event; each attack gets its refusal. Bounded in count and
 * time. The latency the attack adds is printed; the check on it is only that
 * the normal client was not starved (well under a second): speed itself is
 * measured by the bench, not asserted here.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { holdSocket, type HeldSocket } from "./raw-http.ts";

const bodyTimeoutMs = 1_500;
const normalRequests = 120;
const slowBodies = 200;
/** One SSE event this long, never ended by a blank line: 20 MiB. */
const endlessEventBytes = 20 * 1024 * 1024;

let mock: MockUpstream;
let endless: ReturnType<typeof Bun.serve>;
let t: TestLectr;
let port: number;

beforeAll(async () => {
  mock = await startMockUpstream("openai");
  // Groq's base points at an upstream whose stream is one event that never ends
  endless = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(r) {
      await r.text();
      let sent = 0;
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode("data: ")),
        pull(c) {
          if (sent >= endlessEventBytes) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
  t = await startLectr({
    baseUrls: { openai: mock.baseUrl, groq: `http://127.0.0.1:${endless.port}/openai/v1` },
    env: { LECTR_BODY_TIMEOUT_MS: String(bodyTimeoutMs), LECTR_AUTH_FAIL_LIMIT: "0" },
  });
  port = Number(new URL(t.url).port);
});

afterAll(async () => {
  await t.stop();
  await mock.stop();
  endless.stop(true);
});

const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

/** The normal client: sequential chat completions, each timed; every one must be a 200 with its request id. */
async function normalTraffic(): Promise<{ ms: number[]; ids: string[] }> {
  const ms: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < normalRequests; i++) {
    const started = performance.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": t.key, authorization: "Bearer sk-test-openai" },
      body: chatBody,
    });
    await res.arrayBuffer();
    ms.push(performance.now() - started);
    expect(res.status).toBe(200);
    ids.push(res.headers.get("x-lectr-request-id")!);
  }
  return { ms, ids };
}

const p99 = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.99) - 1]!;

/** Each fragment spreads the next one twice: 2^levels copies of the leaf. */
const fanOut = (levels: number) =>
  `query { ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F${levels} on Query { __typename }`;

/** 27 aliases of hourly usageSeries over 399 days, ten such operations in one batch. */
const heavyBatch = () => {
  const to = Date.now();
  const from = to - 399 * 86_400_000;
  const aliases = Array.from({ length: 27 }, (_, i) => `a${i}: usageSeries(period: { from: ${from}, to: ${to} }, bucket: HOUR) { start requests costUsd }`).join(" ");
  return JSON.stringify(Array.from({ length: 10 }, () => ({ query: `{ ${aliases} }` })));
};

test("under four attacks at once, a normal client is answered and recorded; every attack is refused", async () => {
  const baseline = await normalTraffic();

  let attacking = true;
  const outcomes = { fanOut: new Map<number, number>(), heavy: new Map<number, number>(), health: 0 };
  const count = (m: Map<number, number>, status: number) => m.set(status, (m.get(status) ?? 0) + 1);

  // 1. fragment fan-out without a key, POST and GET, as fast as answers come (bounded)
  const fanOutLoop = (async () => {
    for (let i = 0; attacking && i < 2_000; i++) {
      const query = fanOut(40);
      const res =
        i % 2 === 0
          ? await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
          : await fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`);
      await res.arrayBuffer();
      count(outcomes.fanOut, res.status);
    }
  })();
  // 2. heavy authenticated batches
  const heavyLoop = (async () => {
    for (let i = 0; attacking && i < 500; i++) {
      const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": t.key }, body: heavyBatch() });
      await res.arrayBuffer();
      count(outcomes.heavy, res.status);
    }
  })();
  // 3. bodies that never finish: headers and a first byte, then nothing
  const held: HeldSocket[] = await Promise.all(
    Array.from({ length: slowBodies }, () =>
      holdSocket(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-lectr-key: ${t.key}\r\ncontent-length: 100000\r\n\r\n{`,
      ),
    ),
  );
  // 5. one SSE event that never ends, 20 MiB of it
  const endlessStream = (async () => {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": t.key, "x-lectr-provider": "groq", authorization: "Bearer gsk_test" },
      body: JSON.stringify({ model: "llama-3.3-70b-versatile", stream: true, messages: [] }),
    });
    return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
  })();

  const underAttack = await normalTraffic();
  const health = await fetch(`${t.url}/healthz`);
  outcomes.health = health.status;
  attacking = false;
  await Promise.all([fanOutLoop, heavyLoop]);
  const stream = await endlessStream;
  await waitFor(() => held.every((h) => h.closed() || h.received().includes(" 408 ")), { timeoutMs: bodyTimeoutMs * 10, message: "slow bodies were not refused" });
  for (const h of held) h.close();

  const extra = p99(underAttack.ms) - p99(baseline.ms);
  console.log(
    `normal client p99: ${p99(baseline.ms).toFixed(1)} ms alone, ${p99(underAttack.ms).toFixed(1)} ms under attack (+${extra.toFixed(1)} ms); ` +
      `fan-out answers ${JSON.stringify([...outcomes.fanOut])}, heavy batches ${JSON.stringify([...outcomes.heavy])}`,
  );

  // the attacks were refused, each the way it should be
  expect([...outcomes.fanOut.keys()]).toEqual([401]);
  expect([...outcomes.heavy.keys()]).toEqual([400]);
  expect(held.filter((h) => h.received().includes(" 408 ")).length).toBe(slowBodies);
  expect(stream).toEqual({ status: 200, bytes: "data: ".length + endlessEventBytes });
  expect(outcomes.health).toBe(200);

  // the normal client: every request answered and recorded, and not starved
  const events = await t.events();
  const recorded = new Set(events.map((e) => e.id));
  expect([...baseline.ids, ...underAttack.ids].filter((id) => !recorded.has(id))).toEqual([]);
  expect(extra).toBeLessThan(1_000);
}, 120_000);
