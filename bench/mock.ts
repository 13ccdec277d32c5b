/**
 * The benchmark's upstream: answers `POST /v1/chat/completions` like OpenAI,
 * as fast as it can. JSON (with usage) by default; with `"stream": true`, an
 * SSE body of 20 chunks, one usage chunk and `[DONE]`.
 *
 * Paced mode (per-chunk delay) for time-to-first-chunk and open-stream tests:
 * `MOCK_CHUNK_DELAY_MS` for the whole process, `?chunk_delay_ms=N` per
 * request, or a `/paced/N` path prefix (for proxies that drop the query, like
 * Portkey with a custom host). A paced stream sends its headers and first
 * chunk at once (so time-to-first-chunk carries no timer jitter), then one
 * event every N ms.
 *
 * It counts what it answers, so the harness can check one event per request:
 * `GET /__mock/stats` → { received, completed, inflight, peakInflight };
 * `POST /__mock/reset` zeroes them.
 *
 * `bun bench/mock.ts [--port N]` prints `mock listening on PORT` when ready.
 */
const encoder = new TextEncoder();
const model = "gpt-4o-mini-2024-07-18";
const created = 1_750_000_000;
export const usage = { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 };
export const contentChunks = 20;

export const jsonBody = encoder.encode(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "word ".repeat(20).trim() }, logprobs: null, finish_reason: "stop" }],
    usage,
    system_fingerprint: "fp_bench",
  }),
);

function chunk(delta: Record<string, string>, finish: string | null): string {
  const c = { id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, system_fingerprint: "fp_bench", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  return `data: ${JSON.stringify(c)}\n\n`;
}

/** The SSE events in order: role chunk, 18 words, finish chunk, usage chunk, [DONE]. */
export const sseEvents: Uint8Array[] = [
  chunk({ role: "assistant", content: "" }, null),
  ...Array.from({ length: contentChunks - 2 }, (_, i) => chunk({ content: `word${i} ` }, null)),
  chunk({}, "stop"),
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, system_fingerprint: "fp_bench", choices: [], usage })}\n\n`,
  "data: [DONE]\n\n",
].map((s) => encoder.encode(s));

const sseBody = (() => {
  const out = new Uint8Array(sseEvents.reduce((n, e) => n + e.byteLength, 0));
  let at = 0;
  for (const e of sseEvents) {
    out.set(e, at);
    at += e.byteLength;
  }
  return out;
})();

const jsonHeaders = { "content-type": "application/json", "x-request-id": "req_bench" };
const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": "req_bench" };
const streamFlag = /"stream"\s*:\s*true/;
const pacedPrefix = /^\/paced\/(\d+)\//;

export interface MockStats {
  received: number;
  completed: number;
  inflight: number;
  peakInflight: number;
}

export function startMock(opts: { port?: number; hostname?: string; chunkDelayMs?: number } = {}) {
  const stats: MockStats = { received: 0, completed: 0, inflight: 0, peakInflight: 0 };
  const defaultDelay = opts.chunkDelayMs ?? 0;

  const paced = (delayMs: number): ReadableStream<Uint8Array> => {
    let i = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      stats.inflight--;
      stats.completed++;
    };
    return new ReadableStream<Uint8Array>({
      start(controller) {
        const next = () => {
          controller.enqueue(sseEvents[i++]!);
          if (i < sseEvents.length) timer = setTimeout(next, delayMs);
          else {
            controller.close();
            done();
          }
        };
        next();
      },
      cancel() {
        clearTimeout(timer);
        stats.inflight--;
      },
    });
  };

  const server = Bun.serve({
    port: opts.port ?? 0,
    hostname: opts.hostname ?? "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/__mock/stats") return Response.json(stats);
      if (url.pathname === "/__mock/reset") {
        Object.assign(stats, { received: 0, completed: 0, inflight: 0, peakInflight: 0 });
        return Response.json(stats);
      }
      if (!url.pathname.endsWith("/chat/completions")) return new Response("not found", { status: 404 });
      stats.received++;
      const text = await request.text();
      if (!streamFlag.test(text)) {
        stats.completed++;
        return new Response(jsonBody, { headers: jsonHeaders });
      }
      const q = url.searchParams.get("chunk_delay_ms") ?? pacedPrefix.exec(url.pathname)?.[1] ?? null;
      const delay = q === null ? defaultDelay : Number(q);
      if (!(delay > 0)) {
        stats.completed++;
        return new Response(sseBody, { headers: sseHeaders });
      }
      stats.inflight++;
      if (stats.inflight > stats.peakInflight) stats.peakInflight = stats.inflight;
      return new Response(paced(delay), { headers: sseHeaders });
    },
  });
  return { server, stats, port: server.port!, url: `http://127.0.0.1:${server.port}` };
}

if (import.meta.main) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.MOCK_PORT ?? 0);
  const mock = startMock({ port, chunkDelayMs: Number(process.env.MOCK_CHUNK_DELAY_MS ?? 0) });
  console.log(`mock listening on ${mock.port}`);
}
