/**
 * The writer thread. libSQL's local driver runs statements on the calling
 * thread, so event writes live here, where they cannot slow the proxy.
 */
import { openDatabase } from "../db/client.ts";
import { insertEvents } from "../db/events.ts";
import { keyOwners } from "../db/orgs.ts";
import { createLogger } from "../lib/log.ts";
import { writeStdout } from "../runtime/process.ts";
import type { EventRow } from "../db/tables.ts";
import type { FromWriter, ToWriter } from "./messages.ts";
import { openSpool } from "./spool.ts";
import { createWriter, type Writer } from "./writer.ts";
import { threadPort } from "../lib/thread.ts";

let writer: Writer | undefined;
const { post, serve } = threadPort<ToWriter, FromWriter>();

serve(
  async (m) => {
    const c = m.config;
    const log = createLogger(c.logLevel, writeStdout);
    const database = await openDatabase(c.dbUrl, c.dbAuthToken);
    writer = createWriter({
      insert: (rows) => insertEvents(database.writePath, rows),
      keyOwners: (ids) => keyOwners(database.db, ids),
      spool: openSpool(c.spoolDir),
      log,
      batchSize: c.batchSize,
      intervalMs: c.intervalMs,
      retryMs: c.retryMs,
      maxQueued: c.maxQueued,
      timeoutMs: c.timeoutMs,
      onChange: (stats) => post({ t: "stats", stats }),
      onDone: (n) => post({ t: "ack", n }),
    });
    // a previous run may have left events in the spool
    await writer.replay();
    return { stats: writer.stats() };
  },
  async (m) => {
    switch (m.t) {
      case "events":
        writer?.add(JSON.parse(m.json) as EventRow[]);
        return;
      case "settle":
        await writer?.settled();
        post({ t: "done", id: m.id, stats: writer!.stats() });
        return;
      case "close":
        await writer?.close();
        post({ t: "done", id: m.id, stats: writer!.stats() });
        return;
    }
  },
);
