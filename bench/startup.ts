/**
 * Start-up time: from exec to the first `/readyz` 200, on a fresh database
 * each run, p50 of 10 runs (after one unmeasured warm-up), for the binary,
 * Bun from source and Deno from source. `npm run bench:startup [-- --runs N]`.
 * Builds dist/lectr first (half a second), so the binary is the current code.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../scripts/build.ts";
import { option } from "./lib/args.ts";

const root = join(import.meta.dir, "..");
const binary = join(root, "dist/lectr");
const deno = join(root, "node_modules/.bin/deno");
const targetMs = 300;
const runs = Number(option("runs") ?? 10);

interface Contender {
  name: string;
  /** What a user types, for the table. */
  shown: string;
  cmd: string[];
  cwd: string;
}

const denoTask = (Bun.JSONC.parse(await Bun.file(join(root, "deno.json")).text()) as { tasks: Record<string, string> }).tasks.start!;
const contenders: Contender[] = [
  { name: "binary", shown: "dist/lectr", cmd: [binary], cwd: root },
  { name: "bun", shown: "bun src/main.ts", cmd: [process.execPath, "src/main.ts"], cwd: root },
  // The command `deno task start` runs, without the task runner's own process in front.
  { name: "deno", shown: "deno task start (its deno run, without the task runner)", cmd: [deno, ...denoTask.replace(/^env deno /, "").split(" ")], cwd: root },
];

/** A port nobody listens on right now. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function startOnce(c: Contender): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "lectr-startup-"));
  const port = freePort();
  const started = performance.now();
  const proc = Bun.spawn(c.cmd, {
    cwd: c.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LECTR_PORT: String(port), LECTR_HOST: "127.0.0.1", LECTR_DB_URL: `file:${join(dir, "lectr.db")}` },
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    const deadline = started + 15_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return performance.now() - started;
      if (proc.exitCode !== null || performance.now() > deadline) {
        throw new Error(`${c.shown} did not become ready (exit ${proc.exitCode}): ${await new Response(proc.stderr).text()}`);
      }
      await Bun.sleep(1);
    }
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p + 0.5))]!;
}

const built = await build({ outfile: binary });
console.log(`dist/lectr: ${(built.bytes / 1024 / 1024).toFixed(1)} MB, commit ${built.commit}`);

const rows: { c: Contender; p50: number; min: number; max: number }[] = [];
for (const c of contenders) {
  await startOnce(c); // warm-up: page cache, Deno's transpile cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(c));
  times.sort((a, b) => a - b);
  rows.push({ c, p50: percentile(times, 0.5), min: times[0]!, max: times.at(-1)! });
}

const base = rows[0]!.p50;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const table = [
  ["runtime", "command", "p50", "min", "max", "vs binary"],
  ...rows.map(({ c, p50, min, max }) => [c.name, c.shown, fmt(p50), fmt(min), fmt(max), `${(p50 / base).toFixed(2)}×`]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
console.log(`exec → /readyz 200 on a fresh database, ${runs} runs each\n`);
for (const r of table) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
console.log(`\nbinary p50 ${fmt(base)}: ${base <= targetMs ? "within" : "OVER"} the ${targetMs} ms target`);
