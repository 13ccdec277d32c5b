/**
 * `npm run bench:attack`: a normal client's chat-completion latency through
 * Lectr (its own process, as deployed) alone, then under each attack of
 * bench/lib/attacks.ts alone and all four at once. Prints p50 and p99 and
 * what each attack adds to them. Loopback only; every loop is bounded.
 *
 *   bun bench/attack.ts [--requests 400] [--slow-bodies 300]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { option } from "./lib/args.ts";
import { attacks, startAttacks, startEndlessEventUpstream, type Attack } from "./lib/attacks.ts";
import { stopAll } from "./lib/proc.ts";
import { percentile, table } from "./lib/stats.ts";
import { startMockProcess, startTarget } from "./lib/targets.ts";

const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${ms.toFixed(2)}`;
const requests = Number(option("requests") ?? 400);
const slowBodies = Number(option("slow-bodies") ?? 300);
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-attack-"));
const endless = startEndlessEventUpstream(20 * 1024 * 1024);

try {
  const { mock, mockUrl } = await startMockProcess({ cpus: "0-1", log: join(dir, "mock.log") });
  const lectr = await startTarget("lectr", {
    mockUrl,
    mockPid: mock.pid,
    cpus: "0-1",
    dir,
    lectrEnv: { LECTR_GROQ_BASE_URL: `http://127.0.0.1:${endless.port}/openai/v1`, LECTR_BODY_TIMEOUT_MS: "2000", LECTR_AUTH_FAIL_LIMIT: "0", LECTR_LOG_LEVEL: "error" },
  });
  const key = lectr.headers["x-lectr-key"]!;
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

  const normal = async (): Promise<number[]> => {
    const ms: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const res = await fetch(`${lectr.url}/v1/chat/completions`, { method: "POST", headers: { ...lectr.headers, "content-type": "application/json" }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`normal request answered ${res.status}`);
      ms.push(performance.now() - started);
    }
    return ms;
  };

  await normal(); // warm-up
  const rows: string[][] = [];
  const base = await normal();
  const [b50, b99] = [percentile(base, 50), percentile(base, 99)];
  rows.push(["alone", b50.toFixed(2), b99.toFixed(2), "", ""]);
  const phases: [string, readonly Attack[]][] = [...attacks.map((a): [string, Attack[]] => [a, [a]]), ["all four", attacks]];
  for (const [name, which] of phases) {
    const run = await startAttacks({ url: lectr.url, key, which, slowBodies, endlessProvider: "groq" });
    const ms = await normal();
    await run.stop();
    for (const h of run.held) h.close();
    const [p50, p99] = [percentile(ms, 50), percentile(ms, 99)];
    rows.push([name, p50.toFixed(2), p99.toFixed(2), signed(p50 - b50), signed(p99 - b99)]);
  }
  console.log(`normal client, ${requests} sequential chat completions per phase; Lectr in its own process (ms)`);
  console.log(table(["attack", "p50", "p99", "p50 added", "p99 added"], rows));
  await lectr.stop();
  await mock.stop();
} finally {
  endless.stop(true);
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
