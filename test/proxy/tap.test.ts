/**
 * The tap in drop mode (Lectr asked for usage the client did not): whatever
 * way the upstream splits its bytes, the client gets every event but the
 * usage-only one, byte for byte, and the usage is read.
 */
import { describe, expect, test } from "bun:test";
import { createRandom } from "../helpers/random.ts";
import { createDeadline } from "../../src/proxy/forward.ts";
import { tapBody, type TapOutcome } from "../../src/proxy/tap.ts";
import { endpoints } from "../../src/providers/endpoints.ts";
import { waitFor } from "../helpers/wait-for.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const content = [
  chunk({ id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini-2024-07-18", choices: [{ index: 0, delta: { role: "assistant", content: "" } }], usage: null }),
  chunk({ id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini-2024-07-18", choices: [{ index: 0, delta: { content: "Héllo ✓" } }], usage: null }),
  chunk({ id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini-2024-07-18", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null }),
];
const usageOnly = chunk({ id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini-2024-07-18", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } });
const stream = enc.encode([...content, usageOnly, "data: [DONE]\n\n"].join(""));
const expected = [...content, "data: [DONE]\n\n"].join("");

/** An OpenAI chat stream's tap, with or without dropping the usage-only event. */
const tapOptions = (dropInjectedUsage: boolean, onEnd: (o: TapOutcome) => void = () => {}) => ({
  endpoint: endpoints.chat_completions,
  provider: "openai" as const,
  sse: true,
  dropInjectedUsage,
  deadline: createDeadline(new AbortController().signal, 60_000),
  idleTimeoutMs: 60_000,
  onEnd,
});

async function run(parts: Uint8Array[]): Promise<{ text: string; outcome: TapOutcome }> {
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  let outcome!: TapOutcome;
  const out = tapBody(source.getReader(), [], tapOptions(true, (o) => (outcome = o)));
  return { text: await new Response(out).text(), outcome };
}

describe("drop mode", () => {
  test("split at every byte offset", async () => {
    for (let i = 1; i < stream.length; i++) {
      const { text, outcome } = await run([stream.subarray(0, i), stream.subarray(i)]);
      expect(text).toBe(expected);
      expect(outcome.usage).toMatchObject({ inputTokens: 9, outputTokens: 3 });
    }
  });
  test("one byte at a time, and whole events per chunk", async () => {
    const bytes = Array.from(stream, (b) => new Uint8Array([b]));
    expect((await run(bytes)).text).toBe(expected);
    const events = [...content, usageOnly, "data: [DONE]\n\n"].map((e) => enc.encode(e));
    const whole = await run(events);
    expect([whole.text, whole.outcome.responseModel]).toEqual([expected, "gpt-4o-mini-2024-07-18"]);
  });
  test("random three-way splits", async () => {
    const random = createRandom(7);
    const rnd = (n: number) => Math.floor(random() * n);
    for (let k = 0; k < 200; k++) {
      const [a, b] = [rnd(stream.length), rnd(stream.length)].sort((x, y) => x - y);
      expect((await run([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).text).toBe(expected);
    }
  });
});

test("without drop mode the bytes are the upstream's, untouched", async () => {
  const source = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(stream), c.close()) });
  const out = tapBody(source.getReader(), [], tapOptions(false));
  expect(dec.decode(new Uint8Array(await new Response(out).arrayBuffer()))).toBe(dec.decode(stream));
});

test("drop mode: an event that never ends is passed on once it passes 1 MiB, not held", async () => {
  let source!: ReadableStreamDefaultController<Uint8Array>;
  const upstream = new ReadableStream<Uint8Array>({ start: (c) => void (source = c) });
  const out = tapBody(upstream.getReader(), [], tapOptions(true));
  source.enqueue(enc.encode(content[0]!));
  source.enqueue(enc.encode(`data: {"huge":"`));
  const piece = enc.encode("x".repeat(64 * 1024));
  for (let i = 0; i < 48; i++) source.enqueue(piece); // 3 MiB, and the event never ends
  let received = 0;
  const reader = out.getReader();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.byteLength;
    }
  })();
  // at most the bound plus one chunk stays held
  await waitFor(() => received >= content[0]!.length + 3 * 1024 * 1024 - (1024 * 1024 + 64 * 1024), { timeoutMs: 3000, message: `received ${received}` });
  await reader.cancel();
  await reading.catch(() => {});
});
