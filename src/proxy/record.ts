/**
 * The event recorder: requests hand it a finished event and move on; it
 * writes batches in the background (one transaction each, every
 * `intervalMs` or `batchSize` events). Nothing on the request path awaits it.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger } from "../lib/log.ts";

export interface Recorder {
  record(event: EventRow): void;
  /** Resolves when everything recorded so far is written (or given up on). */
  settled(): Promise<void>;
  /** Flushes and stops the timer; later records are still accepted and written by `settled()`. */
  close(): Promise<void>;
  readonly queued: number;
  readonly written: number;
}

export interface RecorderOptions {
  write(rows: EventRow[]): Promise<void>;
  log: Logger;
  batchSize: number;
  intervalMs: number;
  /** Bound on events held in memory while the database is failing. */
  maxQueued?: number;
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const maxQueued = opts.maxQueued ?? 100_000;
  let queue: EventRow[] = [];
  let written = 0;
  let flushing: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush().catch(() => {});
    }, opts.intervalMs);
  };

  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    if (queue.length === 0) return Promise.resolve();
    const batch = queue.slice(0, opts.batchSize);
    queue = queue.slice(batch.length);
    flushing = opts
      .write(batch)
      .then(() => {
        written += batch.length;
      })
      .catch((err: unknown) => {
        // Keep the batch for the next attempt; the request path is unaffected.
        queue = batch.concat(queue);
        if (queue.length > maxQueued) {
          const dropped = queue.length - maxQueued;
          queue = queue.slice(dropped);
          opts.log.error("event queue full, oldest events dropped", { dropped });
        }
        opts.log.error("event batch write failed", { events: batch.length, error: String(err) });
        throw err;
      })
      .finally(() => {
        flushing = undefined;
        if (queue.length >= opts.batchSize) void flush().catch(() => {});
        else if (queue.length > 0) schedule();
      });
    return flushing;
  };

  const settled = async (): Promise<void> => {
    // Bounded: a database that keeps failing must not hang shutdown forever.
    for (let attempt = 0; attempt < 20 && (queue.length > 0 || flushing); attempt++) {
      try {
        await (flushing ?? flush());
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  return {
    record(event) {
      queue.push(event);
      if (queue.length >= opts.batchSize) void flush().catch(() => {});
      else schedule();
    },
    settled,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await settled();
    },
    get queued() {
      return queue.length;
    },
    get written() {
      return written;
    },
  };
}
