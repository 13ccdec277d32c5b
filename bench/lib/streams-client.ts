/**
 * The open-streams client, run as its own process (so its sockets and memory
 * are not the harness's): opens N streaming requests, `rampPerTick` every
 * 10 ms, reads each to its end and prints one JSON line with what it saw.
 *
 * `BUN_CONFIG_MAX_HTTP_REQUESTS` must be above N, or Bun's fetch would queue
 * this client's own requests at 256.
 *
 * env: STREAMS_URL, STREAMS_HEADERS (JSON), STREAMS_N, STREAMS_TIMEOUT_MS
 */
import { streamBody } from "./stream-client.ts";

export interface StreamsClientResult {
  n: number;
  completed: number;
  failed: number;
  /** Failures by reason ("status 502", "no [DONE]", "TypeError: …"). */
  failures: Record<string, number>;
  /** How many `data:` events a stream carried → how many streams. */
  eventsPerStream: Record<string, number>;
  peakOpen: number;
  openedInMs: number;
  firstChunkP50Ms: number;
  firstChunkP99Ms: number;
  totalMs: number;
}

const decoder = new TextDecoder();

async function one(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ events: number; firstMs: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: streamBody, signal });
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new Error(`status ${res.status}`);
  }
  let firstMs = -1;
  let text = "";
  for await (const chunk of res.body) {
    if (firstMs < 0) firstMs = performance.now() - t0;
    text += decoder.decode(chunk, { stream: true });
  }
  if (!text.includes("data: [DONE]")) throw new Error("no [DONE]");
  return { events: text.split("\n\n").filter((e) => e.startsWith("data: ")).length, firstMs };
}

export async function openStreams(o: { url: string; headers: Record<string, string>; n: number; timeoutMs: number; rampPerTick?: number }): Promise<StreamsClientResult> {
  const r: StreamsClientResult = { n: o.n, completed: 0, failed: 0, failures: {}, eventsPerStream: {}, peakOpen: 0, openedInMs: 0, firstChunkP50Ms: 0, firstChunkP99Ms: 0, totalMs: 0 };
  const firsts: number[] = [];
  const signal = AbortSignal.timeout(o.timeoutMs);
  let open = 0;
  const t0 = performance.now();
  const all: Promise<void>[] = [];
  const ramp = o.rampPerTick ?? 250;
  for (let i = 0; i < o.n; i++) {
    if (i > 0 && i % ramp === 0) await Bun.sleep(10);
    open++;
    if (open > r.peakOpen) r.peakOpen = open;
    all.push(
      one(o.url, o.headers, signal).then(
        ({ events, firstMs }) => {
          r.completed++;
          firsts.push(firstMs);
          r.eventsPerStream[events] = (r.eventsPerStream[events] ?? 0) + 1;
        },
        (err: unknown) => {
          r.failed++;
          const why = err instanceof Error ? (err.message.startsWith("status") || err.message === "no [DONE]" ? err.message : `${err.name}: ${err.message}`) : String(err);
          r.failures[why] = (r.failures[why] ?? 0) + 1;
        },
      ).finally(() => open--),
    );
  }
  r.openedInMs = performance.now() - t0;
  await Promise.all(all);
  r.totalMs = performance.now() - t0;
  firsts.sort((a, b) => a - b);
  r.firstChunkP50Ms = firsts[Math.floor(firsts.length * 0.5)] ?? Number.NaN;
  r.firstChunkP99Ms = firsts[Math.floor(firsts.length * 0.99)] ?? Number.NaN;
  return r;
}

if (import.meta.main) {
  const result = await openStreams({
    url: process.env.STREAMS_URL!,
    headers: JSON.parse(process.env.STREAMS_HEADERS ?? "{}"),
    n: Number(process.env.STREAMS_N ?? 10_000),
    timeoutMs: Number(process.env.STREAMS_TIMEOUT_MS ?? 300_000),
  });
  console.log(`STREAMS_RESULT ${JSON.stringify(result)}`);
}
