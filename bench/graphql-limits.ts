/**
 * `npm run bench:graphql-limits [-- --runs 50]`
 *
 * How long Lectr takes to refuse the costly GraphQL requests an outsider or a
 * key holder can send (fragment fan-out, 2^levels expansions; a 10-operation
 * batch of hourly series over 399 days), next to a one-field query through
 * the same path in the same run. In-process (the server's own fetch), p50 and
 * max over N runs. Target: every refusal ≤ 10 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseArgs } from "../src/config.ts";
import { createOrg } from "../src/db/orgs.ts";
import { silentLogger } from "../src/lib/log.ts";
import { startServer } from "../src/compose.ts";

const { flags } = parseArgs(process.argv.slice(2));
const runs = Number(flags.runs ?? 50);
const dir = mkdtempSync(join(tmpdir(), "lectr-bench-limits-"));
const config = loadConfig({ LECTR_DB_URL: `file:${join(dir, "bench.db")}`, LECTR_PORT: "0", LECTR_HOST: "127.0.0.1", LECTR_AUTH_FAIL_LIMIT: "0" });

const fanOut = (levels: number) =>
  `query { ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F${levels} on Query { __typename }`;
const yearOfHours = `{ ${Array.from({ length: 27 }, (_, i) => `a${i}: usageSeries(period: { from: "2025-01-01T00:00:00Z", to: "2026-02-04T00:00:00Z" }, bucket: HOUR) { start requests costUsd errors }`).join(" ")} }`;

const lectr = await startServer(config, { log: silentLogger, bootstrap: false });
try {
  const { key } = await createOrg(lectr.database.db, "acme");
  const send = async (body: unknown, headers: Record<string, string>, expectStatus: number) => {
    const t0 = performance.now();
    const res = await lectr.fetch(new Request("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
    await res.text();
    const ms = performance.now() - t0;
    if (res.status !== expectStatus) throw new Error(`expected ${expectStatus}, got ${res.status}`);
    return ms;
  };
  const cases: [string, unknown, Record<string, string>, number][] = [
    ["baseline: { __typename } with a key", { query: "{ __typename }" }, { "x-lectr-key": key }, 200],
    ["fan-out 22 levels, no key", { query: fanOut(22) }, {}, 401],
    ["fan-out 22 levels, with a key", { query: fanOut(22) }, { "x-lectr-key": key }, 400],
    ["fan-out 1000 levels, with a key", { query: fanOut(1000) }, { "x-lectr-key": key }, 400],
    ["10 × 27 hourly series over 399 days, with a key", Array.from({ length: 10 }, () => ({ query: yearOfHours })), { "x-lectr-key": key }, 400],
  ];
  console.log(`\nGraphQL refusals, ${runs} runs each (in-process)\n`);
  console.log(`${"request".padEnd(50)} ${"p50 ms".padStart(8)} ${"max ms".padStart(8)} ${"× baseline".padStart(11)}`);
  let baseline = 0;
  for (const [name, body, headers, status] of cases) {
    await send(body, headers, status); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await send(body, headers, status));
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    if (baseline === 0) baseline = p50;
    const max = times.at(-1)!;
    const mark = name.startsWith("baseline") ? "" : max <= 10 ? " ✓" : " ✗";
    console.log(`${name.padEnd(50)} ${p50.toFixed(2).padStart(8)} ${max.toFixed(2).padStart(8)} ${(p50 / baseline).toFixed(1).padStart(10)}×${mark}`);
  }
  console.log("\nTarget: every refusal ≤ 10 ms (✓ = the slowest run met it).");
} finally {
  await lectr.shutdown();
  rmSync(dir, { recursive: true, force: true });
}
