/**
 * The batch writer: takes events, writes them in batches (one transaction
 * each), and when the database fails, spools them to disk and replays them
 * once it answers again. It runs in the writer thread, off the request path.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger } from "../lib/log.ts";
import type { Spool } from "./spool.ts";

export interface WriterStats {
  queued: number;
  written: number;
  spooled: number;
  replayed: number;
  dropped: number;
  healthy: boolean;
  lastFlushAt: number | null;
  lastBatchMs: number | null;
  spoolBytes: number;
}

export interface WriterOptions {
  insert(rows: EventRow[]): Promise<void>;
  spool: Spool;
  log: Logger;
  batchSize: number;
  intervalMs: number;
  /** How often to retry the database while it is down. */
  retryMs: number;
  /** Events held in memory before the oldest spill to the spool. */
  maxQueued: number;
  /** Called after each batch, spill or replay, with the new figures. */
  onChange?(stats: WriterStats): void;
}

export interface Writer {
  add(rows: EventRow[]): void;
  /** Resolves when every event added so far is in the database or the spool. */
  settled(): Promise<void>;
  /** Tries the spool now (at start-up, and when the database is back). */
  replay(): Promise<void>;
  close(): Promise<void>;
  stats(): WriterStats;
}

export function createWriter(o: WriterOptions): Writer {
  let queue: EventRow[] = [];
  const s = { written: 0, spooled: 0, replayed: 0, dropped: 0, lastFlushAt: null as number | null, lastBatchMs: null as number | null };
  let healthy = true;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const spill = (rows: EventRow[]) => {
    try {
      o.spool.append(rows);
      s.spooled += rows.length;
    } catch (err) {
      // disk full as well: nothing left to keep them in
      s.dropped += rows.length;
      o.log.error("events dropped: database and spool both failed", { events: rows.length, error: String(err) });
    }
  };

  const markDown = (err: unknown) => {
    if (healthy) o.log.error("database write failed; spooling events until it is back", { error: String(err), spool: o.spool.dir });
    healthy = false;
    scheduleRetry();
  };

  const scheduleRetry = () => {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = undefined;
      void replay();
    }, o.retryMs);
  };

  // Events taken off the queue by the drain and not yet written: still counted as queued.
  let taken = 0;
  const drain = async () => {
    while (queue.length > 0) {
      // the whole queue at once, cut into batches: re-slicing the rest after every batch is quadratic in a backlog
      const rows = queue;
      queue = [];
      taken = rows.length;
      for (let i = 0; i < rows.length; i += o.batchSize) {
        const batch = rows.length <= o.batchSize ? rows : rows.slice(i, i + o.batchSize);
        taken -= batch.length;
        if (!healthy) {
          spill(batch);
          continue;
        }
        const t0 = performance.now();
        try {
          await o.insert(batch);
          s.written += batch.length;
          s.lastFlushAt = Date.now();
          s.lastBatchMs = performance.now() - t0;
        } catch (err) {
          markDown(err);
          spill(batch);
        }
      }
    }
  };

  const run = (): Promise<void> => {
    running ??= drain().finally(() => {
      running = undefined;
      o.onChange?.(stats());
    });
    return running;
  };

  const replay = async (): Promise<void> => {
    await running;
    o.spool.rotate();
    for (const file of o.spool.sealed()) {
      const { rows, corrupt } = o.spool.read(file);
      if (corrupt > 0) o.log.warn("spool lines skipped (cut by a crash)", { file, lines: corrupt });
      try {
        for (let i = 0; i < rows.length; i += o.batchSize) await o.insert(rows.slice(i, i + o.batchSize));
      } catch (err) {
        markDown(err);
        o.onChange?.(stats());
        return;
      }
      o.spool.remove(file);
      s.replayed += rows.length;
    }
    if (!healthy) o.log.info("database is back; spooled events replayed", { replayed: s.replayed });
    healthy = true;
    o.onChange?.(stats());
  };

  const stats = (): WriterStats => ({ ...s, queued: queue.length + taken, healthy, spoolBytes: o.spool.bytes() });

  return {
    add(rows) {
      queue.push(...rows);
      if (queue.length > o.maxQueued) spill(queue.splice(0, queue.length - o.maxQueued));
      if (queue.length >= o.batchSize) void run();
      else if (!timer && !closed) {
        timer = setTimeout(() => {
          timer = undefined;
          void run();
        }, o.intervalMs);
      }
    },
    async settled() {
      while (queue.length > 0 || running) await run();
    },
    replay,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      timer = retry = undefined;
      while (queue.length > 0 || running) await run();
    },
    stats,
  };
}
