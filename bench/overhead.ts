/**
 * `npm run bench:overhead`: Lectr's own cost per request, with the network
 * taken out. In one process pinned to one core, the real request path
 * (`lectr.fetch`: auth, detection, forwarding, usage capture, log line,
 * metrics, the event to the writer thread and into a libSQL file) runs
 * against an upstream stub that answers from memory, next to a minimal hop
 * that does only the floor's work (read and parse the body, copy headers,
 * read and parse the answer). Both see the same Request and Response
 * objects, so the difference is Lectr's own code, writer thread included.
 * Less noisy than a socket benchmark on a shared machine; best of 3 rounds.
 *
 *   taskset -c 1 bun bench/overhead.ts [requests per round, default 20000]
 */
import { startLectr } from "../test/helpers/lectr.ts";
import { answerFromMemory } from "./lib/memory-upstream.ts";
import { table } from "./lib/stats.ts";
import { countEvents } from "../src/db/events.ts";

const n = Number(process.argv[2] ?? 20_000);
const rounds = 3;
const t = await startLectr({ baseUrls: { openai: "http://127.0.0.1:9/v1" }, env: { LECTR_LOG_LEVEL: "info" } });
answerFromMemory();
const decoder = new TextDecoder();

const bodies = [false, true].map((stream) =>
  new TextEncoder().encode(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello in twenty words." }], max_tokens: 64, stream })),
);
// with a content-length, as the SDKs send it
const request = (stream: boolean) => {
  const body = bodies[stream ? 1 : 0]!;
  return new Request("http://127.0.0.1:8787/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.byteLength), authorization: "Bearer sk-bench", "x-lectr-key": t.key },
    body,
  });
};

async function minimal(r: Request): Promise<Response> {
  const body = new Uint8Array(await r.arrayBuffer());
  JSON.parse(decoder.decode(body));
  const headers = new Headers();
  for (const [k, v] of r.headers) if (!k.startsWith("x-lectr-")) headers.set(k, v);
  const res = await fetch("http://127.0.0.1:9/v1/chat/completions", { method: "POST", headers, body });
  const out = new Headers();
  for (const [k, v] of res.headers) out.set(k, v);
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) return new Response(res.body, { headers: out });
  const bytes = new Uint8Array(await res.arrayBuffer());
  JSON.parse(decoder.decode(bytes));
  return new Response(bytes, { headers: out });
}

/** CPU µs per request (all threads), the response read to its end. */
async function measure(handler: (r: Request) => Promise<Response>, stream: boolean): Promise<number> {
  for (let i = 0; i < 2000; i++) await (await handler(request(stream))).arrayBuffer();
  t.logs.length = 0;
  Bun.gc(true);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await (await handler(request(stream))).arrayBuffer();
    // the test logger keeps lines in memory; a real one writes them out
    if (i % 512 === 0) t.logs.length = 0;
  }
  await t.lectr.recorder.settled();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const best: Record<string, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const stream of [false, true]) {
    for (const [name, handler] of [["minimal", minimal], ["lectr", (r: Request) => t.lectr.fetch(r)]] as const) {
      const key = `${name} ${stream ? "SSE" : "JSON"}`;
      best[key] = Math.min(best[key] ?? Number.POSITIVE_INFINITY, await measure(handler, stream));
    }
  }
}
await t.lectr.recorder.settled();
const events = await countEvents(t.lectr.database.db, t.orgId);
const sent = rounds * 2 * (2000 + n);
await t.stop();

const rows = (["JSON", "SSE"] as const).map((k) => {
  const m = best[`minimal ${k}`]!;
  const l = best[`lectr ${k}`]!;
  return [k, `${m.toFixed(1)} µs`, `${l.toFixed(1)} µs`, `${(l - m).toFixed(1)} µs`];
});
console.log(`CPU per request, best of ${rounds} rounds of ${n.toLocaleString("en-US")} (all threads); events recorded: ${events.toLocaleString("en-US")} of ${sent.toLocaleString("en-US")} requests ${events === sent ? "✅" : "❌"}\n`);
console.log(table(["body", "minimal hop", "lectr", "Lectr's own work"], rows));
