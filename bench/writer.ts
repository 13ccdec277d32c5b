/**
 * Event-writer throughput: how many events per second reach libSQL (a fresh
 * embedded file, WAL) through Lectr's real recording path, on one core.
 *
 *   recorder  record() on this thread → hand-over to the writer thread → batch writer → insertEvents
 *   writer    the batch writer and insertEvents on this thread (no worker, no message passing)
 *
 * Events are synthetic but shaped like real traffic (bench/seed.ts); rollups
 * and key last-use updates run as in production. The count in the table is
 * checked after each mode. `bun bench/writer.ts [--events N]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { countEvents, insertEvents } from "../src/db/events.ts";
import { migrate } from "../src/db/migrate.ts";
import { bootstrapDefaultOrg } from "../src/db/orgs.ts";
import type { EventRow } from "../src/db/tables.ts";
import { createLogger, silentLogger } from "../src/lib/log.ts";
import { startRecorder } from "../src/record/recorder.ts";
import { openSpool } from "../src/record/spool.ts";
import { createWriter } from "../src/record/writer.ts";
import { syntheticBatches } from "./seed.ts";
import { option } from "./lib/args.ts";
import { fmtInt, table } from "./lib/stats.ts";

export interface WriterResult {
  mode: "recorder" | "writer";
  events: number;
  seconds: number;
  perSecond: number;
  stored: number;
}

/** Production settings (src/config.ts): batches of 500, flushed every 250 ms. */
const batchSize = 500;
const intervalMs = 250;

async function freshDb(dir: string, name: string) {
  const url = `file:${join(dir, `${name}.db`)}`;
  const database = await openDatabase(url);
  await migrate(database.client);
  const created = await bootstrapDefaultOrg(database.db);
  return { url, database, orgId: created!.org.id, keyId: created!.keyRow.id };
}

function makeEvents(orgId: string, keyId: string, total: number): EventRow[] {
  const now = Date.now();
  const out: EventRow[] = [];
  for (const b of syntheticBatches({ orgs: [{ orgId, keyId, share: 1 }], total, from: now - 60_000, to: now, batchSize })) out.push(...b);
  return out;
}

async function viaRecorder(dir: string, total: number): Promise<WriterResult> {
  const { url, database, orgId, keyId } = await freshDb(dir, "recorder");
  const events = makeEvents(orgId, keyId, total);
  const recorder = await startRecorder({ dbUrl: url, dbAuthToken: undefined, spoolDir: join(dir, "recorder.spool"), batchSize, intervalMs, retryMs: 1_000, maxQueued: 50_000, timeoutMs: 10_000, logLevel: "error" }, { log: silentLogger });
  const t0 = performance.now();
  // as the proxy would: record() calls spread over event-loop turns, 1,000 at a time
  for (let i = 0; i < events.length; i += 1_000) {
    for (const e of events.slice(i, i + 1_000)) recorder.record(e);
    await Bun.sleep(0);
  }
  await recorder.settled();
  const seconds = (performance.now() - t0) / 1000;
  const stats = recorder.stats();
  await recorder.close();
  const stored = await countEvents(database.db);
  database.close();
  if (stats.spooled > 0 || stats.dropped > 0) throw new Error(`recorder spooled ${stats.spooled} and dropped ${stats.dropped} events`);
  return { mode: "recorder", events: total, seconds, perSecond: total / seconds, stored };
}

async function viaWriter(dir: string, total: number): Promise<WriterResult> {
  const { database, orgId, keyId } = await freshDb(dir, "writer");
  const events = makeEvents(orgId, keyId, total);
  const errors: string[] = [];
  const writer = createWriter({
    // exactly as src/record/worker.ts calls it
    insert: (rows) => insertEvents(database.writePath, rows),
    spool: openSpool(join(dir, "writer.spool")),
    log: createLogger("error", (line) => errors.push(line)),
    batchSize,
    intervalMs,
    retryMs: 1_000,
    maxQueued: total + 1,
  });
  const t0 = performance.now();
  writer.add(events);
  await writer.settled();
  const seconds = (performance.now() - t0) / 1000;
  const stats = writer.stats();
  await writer.close();
  if (stats.spooled > 0 || stats.dropped > 0) throw new Error(`batch writer spooled ${stats.spooled} and dropped ${stats.dropped} events: ${errors[0] ?? ""}`);
  const stored = await countEvents(database.db);
  database.close();
  return { mode: "writer", events: total, seconds, perSecond: total / seconds, stored };
}

export async function runWriterBench(o: { events: number; dir: string; log?: (l: string) => void }): Promise<WriterResult[]> {
  const log = o.log ?? console.log;
  const out: WriterResult[] = [];
  for (const run of [viaRecorder, viaWriter]) {
    const r = await run(o.dir, o.events);
    log(`  ${r.mode}: ${fmtInt(r.perSecond)} events/s (${fmtInt(r.events)} in ${r.seconds.toFixed(2)} s, ${fmtInt(r.stored)} stored)`);
    out.push(r);
  }
  return out;
}

export function writerReport(results: WriterResult[]): string {
  return table(
    ["path", "events", "seconds", "events/s", "stored = sent"],
    results.map((r) => [r.mode === "recorder" ? "recorder (worker thread, as in Lectr)" : "batch writer on the calling thread", fmtInt(r.events), r.seconds.toFixed(2), `**${fmtInt(r.perSecond)}**`, r.stored === r.events ? "✅" : `❌ ${fmtInt(r.stored)}`]),
  );
}

if (import.meta.main) {
  const dir = mkdtempSync(join(tmpdir(), "lectr-writer-"));
  try {
    const results = await runWriterBench({ events: Number(option("events") ?? 100_000), dir });
    console.log(`\n${writerReport(results)}`);
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`failed; logs kept in ${dir}`);
    throw err;
  }
}
