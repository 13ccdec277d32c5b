/**
 * Two replicas on one real libSQL server (sqld): a background response polled through both, and a
 * batch retrieved through both, each counted exactly once. The replicas do not know of each other's
 * reads; the first event written claims the object's usage (src/db/usage-claims.ts).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { createClient, type Client } from "@libsql/client";
import { root, spawnLectr, type LectrProcess } from "../helpers/process.ts";
import { startSqld, type Sqld } from "../helpers/sqld.ts";
import { batchUsage, responseUsage, startObjectsUpstream, type ObjectsUpstream } from "../helpers/mock/objects.ts";
import { stopAll } from "../helpers/replicas.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { silentZeroViolations } from "../helpers/event-audit.ts";

let sqld: Sqld;
let mock: ObjectsUpstream;
let db: Client;
let cwd: string;
const replicas: LectrProcess[] = [];

beforeAll(async () => {
  [sqld, mock] = await Promise.all([startSqld(), startObjectsUpstream()]);
  db = createClient({ url: sqld.url, authToken: sqld.token });
  cwd = mkdtempSync(join(tmpdir(), "lectr-claims-"));
  const env = { LECTR_DB_URL: sqld.url, LECTR_DB_AUTH_TOKEN: sqld.token, LECTR_OPENAI_BASE_URL: `${mock.origin}/v1` };
  // one after the other: the first migrates, the second finds the schema (starting both at once is replicas.test.ts's subject)
  for (let i = 0; i < 2; i++) replicas.push(await spawnLectr(env, [process.execPath, join(root, "src/main.ts"), "serve"], cwd));
}, 60_000);
afterAll(async () => {
  for (const r of replicas) if (r.proc.exitCode === null) r.kill("SIGKILL");
  await Promise.all(replicas.map((r) => r.exited));
  db.close();
  await Promise.all([sqld.stop(), mock.stop()]);
  rmSync(cwd, { recursive: true, force: true });
});

const priced = async (path: string) =>
  (await db.execute({ sql: "SELECT input_tokens, output_tokens, cost_usd FROM events WHERE endpoint = ? AND cost_usd IS NOT NULL", args: [path] })).rows.map((r) => [
    Number(r.input_tokens),
    Number(r.output_tokens),
    Number(r.cost_usd),
  ]);
const count = async (path: string) => Number((await db.execute({ sql: "SELECT count(*) AS n FROM events WHERE endpoint = ?", args: [path] })).rows[0]!.n);

test("a background response and a batch read through two replicas, alternately, are each priced once; a stored response read on the other replica is not priced again", async () => {
  const key = replicas.map((r) => r.key).find(Boolean)!;
  const clients = replicas.map((r) => new OpenAI({ apiKey: "sk-test-openai", baseURL: `${r.url}/v1`, defaultHeaders: { "X-Lectr-Key": key }, maxRetries: 0 }));
  const created = await clients[0]!.responses.create({ model: "gpt-4o-mini", input: "Summarise", background: true });
  const batch = await clients[1]!.batches.create({ input_file_id: "file-abc", endpoint: "/v1/chat/completions", completion_window: "24h" });
  // six reads each, alternating replicas: the first is still running, the next five report the same final usage
  for (let i = 0; i < 6; i++) {
    const read = await clients[i % 2]!.responses.retrieve(created.id);
    expect(read.status).toBe(i === 0 ? "in_progress" : "completed");
    expect((await clients[(i + 1) % 2]!.batches.retrieve(batch.id)).status).toBe(i === 0 ? "in_progress" : "completed");
  }
  const responsePath = `/v1/responses/${created.id}`;
  const batchPath = `/v1/batches/${batch.id}`;
  await waitFor(async () => (await count(responsePath)) === 6 && (await count(batchPath)) === 6, { timeoutMs: 20_000, message: "12 read events stored" });
  expect(await priced(responsePath)).toEqual([[responseUsage.input_tokens, responseUsage.output_tokens, (2000 * 0.15 + 500 * 0.6) / 1e6]]);
  expect(await priced(batchPath)).toEqual([[batchUsage.input_tokens, batchUsage.output_tokens, ((2082 * 0.15 + 1000 * 0.6) / 1e6) * 0.5]]);
  // the rollups count the cost once too
  const rolled = Number((await db.execute("SELECT sum(cost_usd) AS c FROM rollups_hourly")).rows[0]!.c);
  expect(rolled).toBeCloseTo((2000 * 0.15 + 500 * 0.6) / 1e6 + ((2082 * 0.15 + 1000 * 0.6) / 1e6) * 0.5, 15);

  // a response priced by its POST on one replica is not priced again by a read on the other
  const stored = await clients[0]!.responses.create({ model: "gpt-4o-mini", input: "Hi" });
  expect((await clients[1]!.responses.retrieve(stored.id)).usage).toMatchObject({ input_tokens: responseUsage.input_tokens });
  // whichever replica writes first, the POST (the earlier event) keeps the cost
  const claimedEvents = async () => (await db.execute({ sql: "SELECT endpoint, cost_usd FROM events WHERE usage_claim = ? ORDER BY created_at", args: [`response:${stored.id}`] })).rows;
  await waitFor(async () => (await claimedEvents()).length === 2, { timeoutMs: 20_000, message: "the POST and the read stored" });
  const claimed = await claimedEvents();
  expect(claimed.map((r) => [r.endpoint, r.cost_usd])).toEqual([
    ["/v1/responses", (2000 * 0.15 + 500 * 0.6) / 1e6],
    [`/v1/responses/${stored.id}`, null],
  ]);
  expect(await silentZeroViolations(db)).toEqual([]);
  await stopAll(replicas);
}, 60_000);
