/**
 * Lectr's own CPU per request (`bench/overhead.ts`) in several checkouts,
 * run alternately (A B C, A B C, …) so that a loaded machine weighs on each
 * alike; prints each checkout's median and its ratio to the first one.
 *
 *   bun bench/overhead-ab.ts [--runs 3] [--requests 5000] DIR_A DIR_B …
 * Each DIR is a checkout with node_modules (e.g. `git archive` of a commit plus a link).
 */
import { parseArgs } from "node:util";
import { table } from "./lib/stats.ts";

const { values, positionals } = parseArgs({ options: { runs: { type: "string", default: "3" }, requests: { type: "string", default: "5000" } }, allowPositionals: true });
const runs = Number(values.runs);
const results = new Map<string, { json: number[]; sse: number[]; minJson: number[]; minSse: number[] }>();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (let r = 0; r < runs; r++) {
  for (const dir of positionals) {
    const p = Bun.spawnSync(["taskset", "-c", "1", process.execPath, "bench/overhead.ts", values.requests!], { cwd: dir, stderr: "inherit" });
    const out = p.stdout.toString();
    const row = (k: string) => {
      const m = new RegExp(`\\| ${k} \\| ([\\d.]+) µs \\| ([\\d.]+) µs`).exec(out);
      if (!m) throw new Error(`no ${k} row from ${dir}:\n${out}`);
      return [Number(m[1]), Number(m[2])] as const;
    };
    const [mj, lj] = row("JSON");
    const [ms, ls] = row("SSE");
    const e = results.get(dir) ?? { json: [], sse: [], minJson: [], minSse: [] };
    e.json.push(lj);
    e.sse.push(ls);
    e.minJson.push(mj);
    e.minSse.push(ms);
    results.set(dir, e);
    console.error(`run ${r + 1}/${runs} ${dir}: JSON ${lj} µs, SSE ${ls} µs (minimal ${mj} / ${ms})`);
  }
}
const first = results.get(positionals[0]!)!;
console.log(
  table(
    ["checkout", "JSON CPU µs/req (median)", "vs first", "SSE CPU µs/req (median)", "vs first", "minimal hop JSON / SSE"],
    positionals.map((dir) => {
      const e = results.get(dir)!;
      return [
        dir,
        median(e.json).toFixed(1),
        `${(median(e.json) / median(first.json)).toFixed(3)}×`,
        median(e.sse).toFixed(1),
        `${(median(e.sse) / median(first.sse)).toFixed(3)}×`,
        `${median(e.minJson).toFixed(1)} / ${median(e.minSse).toFixed(1)}`,
      ];
    }),
  ),
);
