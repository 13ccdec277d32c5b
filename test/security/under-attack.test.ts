/**
 * An attacker on loopback runs the four ways to stall Lectr at once —
 * unauthenticated fragment fan-out, heavy authenticated GraphQL batches,
 * bodies that never finish, and an SSE event that never ends — while a
 * normal client keeps sending chat completions. The normal client gets every
 * answer and every event; each attack gets its refusal. Bounded in count and
 * time. The latency the attack adds is printed; the only check on it is that
 * the normal client was not starved (well under a second). The latency itself
 * is measured with Lectr in its own process by `npm run bench:attack`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startAttacks, startEndlessEventUpstream, attacks } from "../../bench/lib/attacks.ts";
import { percentile } from "../../bench/lib/stats.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { waitFor } from "../helpers/wait-for.ts";

const bodyTimeoutMs = 1_500;
const normalRequests = 120;
const slowBodies = 200;
/** One SSE event this long, never ended by a blank line: 20 MiB. */
const endlessEventBytes = 20 * 1024 * 1024;

let mock: MockUpstream;
let endless: ReturnType<typeof startEndlessEventUpstream>;
let t: TestLectr;

beforeAll(async () => {
  mock = await startMockUpstream("openai");
  endless = startEndlessEventUpstream(endlessEventBytes);
  t = await startLectr({
    // Groq's base points at the upstream whose stream is one event that never ends
    baseUrls: { openai: mock.baseUrl, groq: `http://127.0.0.1:${endless.port}/openai/v1` },
    env: { LECTR_BODY_TIMEOUT_MS: String(bodyTimeoutMs), LECTR_AUTH_FAIL_LIMIT: "0" },
  });
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

const p99 = (ms: number[]) => percentile(ms, 99);

test("under four attacks at once, a normal client is answered and recorded; every attack is refused", async () => {
  const baseline = await normalTraffic();
  const attack = await startAttacks({ url: t.url, key: t.key, which: attacks, slowBodies, endlessProvider: "groq" });
  const underAttack = await normalTraffic();
  const health = (await fetch(`${t.url}/healthz`)).status;
  await attack.stop();
  await waitFor(() => attack.held.every((h) => h.closed() || h.received().includes(" 408 ")), { timeoutMs: bodyTimeoutMs * 10, message: "slow bodies were not refused" });
  for (const h of attack.held) h.close();

  const extra = p99(underAttack.ms) - p99(baseline.ms);
  console.log(
    `normal client p99: ${p99(baseline.ms).toFixed(1)} ms alone, ${p99(underAttack.ms).toFixed(1)} ms under attack in the same process (+${extra.toFixed(1)} ms); ` +
      `fan-out ${JSON.stringify([...attack.statuses["fan-out"]])}, heavy ${JSON.stringify([...attack.statuses.heavy])}`,
  );

  // the attacks were refused, each the way it should be
  expect([...attack.statuses["fan-out"].keys()]).toEqual([401]);
  expect([...attack.statuses.heavy.keys()]).toEqual([400]);
  expect(attack.held.filter((h) => h.received().includes(" 408 ")).length).toBe(slowBodies);
  // the endless event passed through whole, past the parser's bound, with no error
  expect([[...attack.statuses["endless-event"].keys()], attack.endlessBytes]).toEqual([[200], "data: ".length + endlessEventBytes]);
  expect(health).toBe(200);

  // the normal client: every request answered and recorded, and not starved
  const recorded = new Set((await t.events()).map((e) => e.id));
  expect([...baseline.ids, ...underAttack.ids].filter((id) => !recorded.has(id))).toEqual([]);
  expect(extra).toBeLessThan(1_000);
}, 120_000);
