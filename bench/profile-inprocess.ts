/**
 * A CPU profile of Lectr's own request path, in process, with the network
 * taken out (the upstream answers from memory, as in `bench/overhead.ts`):
 * run under `bun --cpu-prof`, then summarised with
 * `bun bench/profile-inprocess.ts --summarize FILE` (self and inclusive shares).
 *
 *   taskset -c 1 bun --cpu-prof --cpu-prof-dir=DIR bench/profile-inprocess.ts [requests] [json|sse]
 */
import { startLectr } from "../test/helpers/lectr.ts";
import { answerFromMemory } from "./lib/memory-upstream.ts";
import { summarizeProfile, type CpuProfile } from "./lib/cpuprofile.ts";
import { table } from "./lib/stats.ts";

if (process.argv[2] === "--summarize") {
  const p = (await Bun.file(process.argv[3]!).json()) as CpuProfile;
  const s = summarizeProfile(p, 15);
  console.log(table(["self", "function", "where"], s.functions.map((f) => [`${f.pct.toFixed(1)}%`, `\`${f.name}\``, f.where])));
  console.log();
  console.log(table(["inclusive", "function", "where"], inclusive(p, 25)));
  process.exit(0);
}

/** Share of busy samples with the function anywhere on the stack (counted once per sample). */
function inclusive(p: CpuProfile, top: number): string[][] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  let busy = 0;
  for (const id of p.samples) {
    const name = byId.get(id)?.callFrame.functionName;
    if (!name || name === "(idle)" || name === "(program)" || name === "(root)") continue;
    busy++;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!f.url) continue;
      seen.add(`${f.functionName || "(anonymous)"}\t${f.url.replace(/.*\/(src|node_modules|bench)\//, "$1/")}:${f.lineNumber + 1}`);
    }
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, n]) => [`${((n / busy) * 100).toFixed(1)}%`, ...k.split("\t")]);
}

const n = Number(process.argv[2] ?? 20_000);
const kinds = (process.argv[3] ?? "json,sse").split(",");
const t = await startLectr({ baseUrls: { openai: "http://127.0.0.1:9/v1" }, env: { LECTR_LOG_LEVEL: "info" } });
answerFromMemory();
let rssPeak = 0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
for (const kind of kinds) {
  const body = new TextEncoder().encode(
    JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello in twenty words." }], max_tokens: 64, stream: kind === "sse" }),
  );
  for (let i = 0; i < n; i++) {
    const r = new Request("http://127.0.0.1:8787/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(body.byteLength), authorization: "Bearer sk-bench", "x-lectr-key": t.key },
      body,
    });
    await (await t.lectr.fetch(r)).arrayBuffer();
    if (i % 512 === 0) t.logs.length = 0;
  }
}
await t.lectr.recorder.settled();
clearInterval(sampler);
console.log(`RSS peak ${(rssPeak / 1e6).toFixed(0)} MB, now ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await t.stop();
