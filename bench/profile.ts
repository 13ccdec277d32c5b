/**
 * A CPU profile of Lectr (from source) under the capacity load: `bun
 * --cpu-prof` on the proxy, JSON then SSE at 16 connections, and a summary
 * of where the samples fall. The profile itself is kept for Chrome DevTools
 * or speedscope. Its throughput is not reported: the profiler slows the proxy.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { summarizeProfile, type ProfileSummary } from "./lib/cpuprofile.ts";
import { table } from "./lib/stats.ts";
import { startMockProcess, startTarget } from "./lib/targets.ts";
import { ensureWrk, runWrk } from "./lib/wrk.ts";

export interface ProfileResult {
  kinds: string;
  file: string;
  summary: ProfileSummary;
}

export async function runProfile(o: { seconds: number; dir: string; keepDir: string; lectrRoot?: string }): Promise<ProfileResult> {
  await ensureWrk();
  const { mock, mockUrl } = await startMockProcess({ cpus: "0", log: join(o.dir, "profile-mock.log") });
  const name = "lectr.cpuprofile";
  const bunArgs = ["--cpu-prof", `--cpu-prof-dir=${o.dir}`, `--cpu-prof-name=${name}`];
  // the environment Lectr would relaunch itself with, given up front: one process, one profile
  const lectrEnv = { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" };
  const t = await startTarget("lectr", { mockUrl, mockPid: mock.pid, cpus: "1", dir: o.dir, bunArgs, lectrEnv, lectrRoot: o.lectrRoot });
  try {
    const base = { url: t.url, headers: t.headers, cpus: "0", connections: 16 };
    await runWrk({ ...base, kind: "json", seconds: 2 });
    await runWrk({ ...base, kind: "json", seconds: o.seconds });
    await runWrk({ ...base, kind: "sse", seconds: o.seconds });
  } finally {
    // the profile is written when the process exits
    await t.stop();
    await mock.stop();
  }
  const path = join(o.dir, name);
  if (!existsSync(path)) throw new Error(`bun --cpu-prof wrote no ${path}`);
  mkdirSync(o.keepDir, { recursive: true });
  const file = join(o.keepDir, "lectr.cpuprofile");
  copyFileSync(path, file);
  return { kinds: `JSON then SSE, 16 connections, ${o.seconds} s each (after 2 s warm-up)`, file, summary: summarizeProfile(await Bun.file(path).json(), 20) };
}

export function profileReport(p: ProfileResult, rel: (path: string) => string): string {
  const s = p.summary;
  return [
    `Lectr from source under ${p.kinds}; ${s.samples.toLocaleString("en-US")} samples of the main thread (the event writer's thread is not in it). Full profile: \`${rel(p.file)}\` (open in Chrome DevTools → Performance, or speedscope). Native frames are named with their nearest JavaScript caller.`,
    "",
    table(
      ["self samples", "function", "where"],
      s.functions.map((f) => [`${f.pct.toFixed(1)}%`, `\`${f.name}\``, f.where]),
    ),
    "",
    table(
      ["self samples", "file"],
      s.files.slice(0, 10).map((f) => [`${f.pct.toFixed(1)}%`, f.file]),
    ),
  ].join("\n");
}
