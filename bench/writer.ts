/**
 * Event-writer throughput: how many events per second reach libSQL (a fresh
 * embedded file, WAL) through Lectr's real recording path, on one core.
 *
 *   recorder  record() on this thread → hand-over to the writer thread → batch writer → insertEvents
 *   writer    the batch writer and insertEvents on this thread (no worker, no message passing)
 *
 * Events are synthetic but shaped like real traffic (bench/seed.ts); rollups
 * and key last-use updates run as in production. The count in the table is
 * checked after each mode. With `--db-url` (a libSQL server: http://, ws://,
 * libsql://…?tls=0; token from `--db-auth-token` or LECTR_DB_AUTH_TOKEN) the
 * same runs go to it too, plus two recorders at once, as two replicas would.
 * With `--db-pid` the server's CPU per batch is measured too.
 * `bun bench/writer.ts [--events N] [--db-url URL [--db-pid PID]]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { openDatabase } from "../src/db/client.ts";
import { clientWritePath } from "../src/db/write-path.ts";
import { countEvents, insertEvents } from "../src/db/events.ts";
import { migrate } from "../src/db/migrate.ts";
import { bootstrapDefaultOrg, createOrg, keyOwners } from "../src/db/orgs.ts";
import type { EventRow } from "../src/db/tables.ts";
import { createLogger, silentLogger } from "../src/lib/log.ts";
import { startRecorder, type Recorder } from "../src/record/recorder.ts";
import { openSpool } from "../src/record/spool.ts";
import { createWriter } from "../src/record/writer.ts";
import { syntheticBatches } from "./seed.ts";
import { option } from "./lib/args.ts";
import { fmtInt, table } from "./lib/stats.ts";
import { cpuMicros } from "./lib/procfs.ts";

export interface WriterResult {
  mode: "recorder" | "writer" | "two recorders";
  /** "file" or the remote URL's scheme and host. */
  db: string;
  events: number;
  seconds: number;
  perSecond: number;
  stored: number;
  /** Mean milliseconds and rows per batch (calling-thread writer only). */
  batchMs: number | null;
  batchRows: number | null;
  /** HTTP requests to the database per batch (remote http only; measured on the calling thread). */
  requestsPerBatch: number | null;
  /** CPU ms per batch: this process (building, encoding, sending) and the server (with --db-pid). */
  writerCpuMs: number | null;
  serverCpuMs: number | null;
}

/** Production settings (src/config.ts): batches of 500, flushed every 250 ms. */
const batchSize = 500;
const intervalMs = 250;

interface Target {
  /** undefined: a fresh embedded file per mode. */
  url?: string;
  authToken?: string;
  /** The server's process id, to measure its CPU. */
  pid?: number;
}

const label = (t: Target) => (t.url ? t.url.replace(/\?.*$/, "") : "file");

/** A fresh file, or a new org on the remote database (counted by org, so earlier runs do not matter). */
async function freshDb(dir: string, name: string, target: Target) {
  const url = target.url ?? `file:${join(dir, `${name}.db`)}`;
  const database = await openDatabase(url, target.authToken);
  await migrate(database.client);
  const created = target.url ? await createOrg(database.db, `bench-${name}-${Date.now().toString(36)}`) : (await bootstrapDefaultOrg(database.db))!;
  return { url, database, orgId: created.org.id, keyId: created.keyRow.id };
}

function makeEvents(orgId: string, keyId: string, total: number): EventRow[] {
  const now = Date.now();
  const out: EventRow[] = [];
  for (const b of syntheticBatches({ orgs: [{ orgId, keyId, share: 1 }], total, from: now - 60_000, to: now, batchSize })) out.push(...b);
  return out;
}

/** record() calls spread over event-loop turns, 1,000 at a time, as the proxy would make them. */
async function feed(recorder: Recorder, events: EventRow[]) {
  for (let i = 0; i < events.length; i += 1_000) {
    for (const e of events.slice(i, i + 1_000)) recorder.record(e);
    await Bun.sleep(0);
  }
  await recorder.settled();
}

async function viaRecorders(dir: string, total: number, target: Target, count: 1 | 2): Promise<WriterResult> {
  const dbs = await Promise.all(Array.from({ length: count }, (_, i) => freshDb(dir, `recorder${count > 1 ? `-${count}-${i}` : ""}`, target)));
  const recorders = await Promise.all(
    dbs.map((d, i) =>
      startRecorder(
        { dbUrl: d.url, dbAuthToken: target.authToken, spoolDir: join(dir, `recorder-${count}-${i}.spool`), batchSize, intervalMs, retryMs: 1_000, maxQueued: total + 1, timeoutMs: 30_000, logLevel: "error" },
        { log: silentLogger },
      ),
    ),
  );
  const events = dbs.map((d) => makeEvents(d.orgId, d.keyId, total / count));
  const t0 = performance.now();
  await Promise.all(recorders.map((r, i) => feed(r, events[i]!)));
  const seconds = (performance.now() - t0) / 1000;
  const stats = recorders.map((r) => r.stats());
  await Promise.all(recorders.map((r) => r.close()));
  let stored = 0;
  for (const d of dbs) {
    stored += await countEvents(d.database.db, target.url ? d.orgId : undefined);
    d.database.close();
  }
  const lost = stats.reduce((n, s) => n + s.spooled + s.dropped, 0);
  if (lost > 0) throw new Error(`recorder spooled or dropped ${lost} events`);
  return { mode: count === 1 ? "recorder" : "two recorders", db: label(target), events: total, seconds, perSecond: total / seconds, stored, batchMs: null, batchRows: null, requestsPerBatch: null, writerCpuMs: null, serverCpuMs: null };
}

async function viaWriter(dir: string, total: number, target: Target): Promise<WriterResult> {
  const { database, orgId, keyId } = await freshDb(dir, "writer", target);
  // a remote database through a client of its own that counts its HTTP requests (the same write path Lectr uses)
  let requests = 0;
  const counted = target.url?.startsWith("http")
    ? createClient({ url: target.url, authToken: target.authToken, fetch: (...a: Parameters<typeof fetch>) => (requests++, fetch(...a)) })
    : undefined;
  const writePath = counted ? clientWritePath(counted) : database.writePath;
  let rowsWritten = 0;
  const events = makeEvents(orgId, keyId, total);
  const errors: string[] = [];
  const batchMs: number[] = [];
  let batches = 0;
  const writer = createWriter({
    // exactly as src/record/worker.ts calls it
    insert: async (rows) => {
      const t = performance.now();
      await insertEvents(writePath, rows);
      batchMs.push(performance.now() - t);
      batches++;
      rowsWritten += rows.length;
    },
    keyOwners: (ids) => keyOwners(database.db, ids),
    spool: openSpool(join(dir, "writer.spool")),
    log: createLogger("error", (line) => errors.push(line)),
    batchSize,
    intervalMs,
    retryMs: 1_000,
    maxQueued: total + 1,
  });
  const server0 = target.pid ? cpuMicros(target.pid) : 0;
  const self0 = cpuMicros("self");
  const t0 = performance.now();
  writer.add(events);
  await writer.settled();
  const writerCpuMs = (cpuMicros("self") - self0) / 1000 / Math.max(1, batches);
  const serverCpuMs = target.pid ? (cpuMicros(target.pid) - server0) / 1000 / Math.max(1, batches) : null;
  const seconds = (performance.now() - t0) / 1000;
  const stats = writer.stats();
  await writer.close();
  if (stats.spooled > 0 || stats.dropped > 0) throw new Error(`batch writer spooled ${stats.spooled} and dropped ${stats.dropped} events: ${errors[0] ?? ""}`);
  const stored = await countEvents(database.db, target.url ? orgId : undefined);
  database.close();
  counted?.close();
  const mean = batchMs.reduce((a, b) => a + b, 0) / Math.max(1, batchMs.length);
  return { mode: "writer", db: label(target), events: total, seconds, perSecond: total / seconds, stored, batchMs: mean, batchRows: rowsWritten / Math.max(1, batches), requestsPerBatch: counted ? requests / batches : null, writerCpuMs, serverCpuMs };
}

export async function runWriterBench(o: { events: number; dir: string; dbUrl?: string; authToken?: string; dbPid?: number; log?: (l: string) => void }): Promise<WriterResult[]> {
  const log = o.log ?? console.log;
  const out: WriterResult[] = [];
  const targets: Target[] = [{}, ...(o.dbUrl ? [{ url: o.dbUrl, authToken: o.authToken, pid: o.dbPid }] : [])];
  for (const target of targets) {
    const runs = [() => viaRecorders(o.dir, o.events, target, 1), () => viaWriter(o.dir, o.events, target)];
    if (target.url) runs.push(() => viaRecorders(o.dir, o.events, target, 2));
    for (const run of runs) {
      const r = await run();
      log(`  ${r.db} ${r.mode}: ${fmtInt(r.perSecond)} events/s (${fmtInt(r.events)} in ${r.seconds.toFixed(2)} s, ${fmtInt(r.stored)} stored)`);
      out.push(r);
    }
  }
  return out;
}

const modeNames = { recorder: "recorder (worker thread, as in Lectr)", writer: "batch writer on the calling thread", "two recorders": "two recorders at once (two replicas)" };

export function writerReport(results: WriterResult[]): string {
  return table(
    ["database", "path", "events", "seconds", "events/s", "rows per batch", "ms per batch", "HTTP requests per batch", "writer CPU ms per batch", "server CPU ms per batch", "stored = sent"],
    results.map((r) => [
      r.db,
      modeNames[r.mode],
      fmtInt(r.events),
      r.seconds.toFixed(2),
      `**${fmtInt(r.perSecond)}**`,
      r.batchRows === null ? "" : fmtInt(r.batchRows),
      r.batchMs === null ? "" : r.batchMs.toFixed(1),
      r.requestsPerBatch === null ? "" : r.requestsPerBatch.toFixed(1),
      r.writerCpuMs === null ? "" : r.writerCpuMs.toFixed(1),
      r.serverCpuMs === null ? "" : r.serverCpuMs.toFixed(1),
      r.stored === r.events ? "✅" : `❌ ${fmtInt(r.stored)}`,
    ]),
  );
}

if (import.meta.main) {
  const dir = mkdtempSync(join(tmpdir(), "lectr-writer-"));
  try {
    const results = await runWriterBench({ events: Number(option("events") ?? 100_000), dir, dbUrl: option("db-url"), dbPid: option("db-pid") ? Number(option("db-pid")) : undefined, authToken: option("db-auth-token") ?? process.env.LECTR_DB_AUTH_TOKEN });
    console.log(`\n${writerReport(results)}`);
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`failed; logs kept in ${dir}`);
    throw err;
  }
}
