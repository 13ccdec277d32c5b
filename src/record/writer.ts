/**
 * The batch writer: takes events, writes them in batches (one transaction
 * each), and when the database fails, spools them to disk and replays them
 * once it answers again. It runs in the writer thread, off the request path.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger } from "../lib/log.ts";
import type { Spool } from "./spool.ts";
import { checkSpooledRow } from "./spooled-row.ts";
import { sleep, withTimeout } from "../lib/timeout.ts";

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
  /** Batches retried because the database was busy (another writer held its lock). */
  busyRetries: number;
  /** Spool lines moved to quarantine: not an event Lectr could have written, never replayed. */
  quarantined: number;
}

export interface WriterOptions {
  insert(rows: EventRow[]): Promise<void>;
  /** The org each of these key ids belongs to (a spooled row must name a key of its own org). */
  keyOwners(keyIds: string[]): Promise<Map<string, string>>;
  spool: Spool;
  log: Logger;
  batchSize: number;
  intervalMs: number;
  /** How often to retry the database while it is down. */
  retryMs: number;
  /** Events held in memory before the oldest spill to the spool. */
  maxQueued: number;
  /** A batch not written within this long counts as a failure (a server that stopped answering). */
  timeoutMs?: number;
  /** Called after each batch, spill or replay, with the new figures. */
  onChange?(stats: WriterStats): void;
  /** Every event of the first `n` `add` calls is in the database or the spool. */
  onDone?(n: number): void;
}

export interface Writer {
  add(rows: EventRow[]): void;
  /** Resolves when every event added so far is in the database or the spool. */
  settled(): Promise<void>;
  /** Tries the spool now (at start-up, and when the database is back) until it is empty. */
  replay(): Promise<void>;
  close(): Promise<void>;
  stats(): WriterStats;
}

/** Busy/locked is another writer holding the lock: wait and retry, up to this long, before calling it an outage. */
const busyBudgetMs = 5_000;
/** While healthy, look this often for spool files a stopped process left behind. */
const adoptMs = 15_000;
/** A backlog is written in batches up to this many times larger: fewer transactions while catching up. */
const backlogFactor = 4;

/** SQLITE_BUSY / SQLITE_LOCKED, from the embedded engine or a libSQL server. */
export function isBusy(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const text = `${String(e?.code ?? "")} ${String(e?.message ?? err)} ${String(e?.cause?.code ?? "")} ${String(e?.cause?.message ?? "")}`;
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i.test(text);
}


export function createWriter(o: WriterOptions): Writer {
  let queue: EventRow[] = [];
  const s = { written: 0, spooled: 0, replayed: 0, dropped: 0, busyRetries: 0, quarantined: 0, lastFlushAt: null as number | null, lastBatchMs: null as number | null };
  let healthy = true;
  let running: Promise<void> | undefined;
  let replaying: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let adds = 0;

  const spill = (rows: EventRow[]) => {
    try {
      o.spool.append(rows);
      s.spooled += rows.length;
    } catch (err) {
      // disk full as well: nothing left to keep them in
      s.dropped += rows.length;
      o.log.error("events dropped: database and spool both failed", { events: rows.length, error: String(err), ids: rows.map((r) => r.id) });
    }
  };

  const markDown = (err: unknown) => {
    if (healthy) o.log.error("database write failed; spooling events until it is back", { error: String(err), spool: o.spool.own });
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

  /** One batch, retried with backoff while the database is only busy. */
  const insert = async (rows: EventRow[]) => {
    const t0 = performance.now();
    let delay = 25;
    for (;;) {
      try {
        return await withTimeout(o.insert(rows), o.timeoutMs, `database write took over ${o.timeoutMs} ms`);
      } catch (err) {
        if (!isBusy(err) || closed || performance.now() - t0 + delay > busyBudgetMs) throw err;
        s.busyRetries++;
        await sleep(delay);
        delay = Math.min(delay * 2, 1_000);
      }
    }
  };

  // Events taken off the queue by the drain and not yet written: still counted as queued.
  let taken = 0;
  const drain = async () => {
    while (queue.length > 0) {
      // the whole queue at once, cut into batches: re-slicing the rest after every batch is quadratic in a backlog
      const rows = queue;
      const through = adds;
      queue = [];
      taken = rows.length;
      const size = rows.length > o.batchSize * 2 ? o.batchSize * backlogFactor : o.batchSize;
      for (let i = 0; i < rows.length; i += size) {
        const batch = rows.length <= size ? rows : rows.slice(i, i + size);
        taken -= batch.length;
        if (!healthy) {
          spill(batch);
          continue;
        }
        const t0 = performance.now();
        try {
          await insert(batch);
          s.written += batch.length;
          s.lastFlushAt = Date.now();
          s.lastBatchMs = performance.now() - t0;
        } catch (err) {
          markDown(err);
          spill(batch);
        }
      }
      o.onDone?.(through);
    }
  };

  const run = (): Promise<void> => {
    running ??= drain().finally(() => {
      running = undefined;
      o.onChange?.(stats());
    });
    return running;
  };

  /** Replays until no spool file is left: batches spooled while it runs are picked up too. */
  const replayAll = async (): Promise<void> => {
    const before = s.replayed;
    const adopted = o.spool.adopt();
    if (adopted > 0) o.log.info("adopted spool files left by a stopped process", { files: adopted });
    for (;;) {
      o.spool.rotate();
      const files = o.spool.sealed();
      if (files.length === 0) break;
      for (const file of files) {
        let rows: EventRow[];
        try {
          rows = await trusted(file);
          for (let i = 0; i < rows.length; i += o.batchSize * backlogFactor) await insert(rows.slice(i, i + o.batchSize * backlogFactor));
        } catch (err) {
          markDown(err);
          o.onChange?.(stats());
          return;
        }
        o.spool.remove(file);
        s.replayed += rows.length;
        // the database answers: new batches go to it again while the rest of the spool replays
        back();
      }
      o.spool.adopt();
    }
    back();
    if (s.replayed > before) o.log.info("spooled events replayed", { events: s.replayed - before, total: s.replayed });
    o.onChange?.(stats());
  };
  /** The file's rows that pass every check; the rest are quarantined (the database failing is transient: it throws). */
  const trusted = async (file: string): Promise<EventRow[]> => {
    const { values, corrupt } = o.spool.read(file);
    const bad = corrupt.map((line) => ({ line, reason: "not JSON (a line cut by a crash, or not written by Lectr)" }));
    const now = Date.now();
    const checked: { row: EventRow; line: string }[] = [];
    for (const v of values) {
      const c = checkSpooledRow(v.value, now);
      if (c.ok) checked.push({ row: c.row, line: v.line });
      else bad.push({ line: v.line, reason: c.reason });
    }
    const owners = await o.keyOwners([...new Set(checked.map((c) => c.row.key_id))]);
    const rows: EventRow[] = [];
    for (const c of checked) {
      const owner = owners.get(c.row.key_id);
      if (owner === c.row.org_id) rows.push(c.row);
      else bad.push({ line: c.line, reason: owner === undefined ? "unknown key" : "key belongs to another org" });
    }
    if (bad.length > 0) {
      const good = new Set(rows);
      o.spool.quarantine(file, bad, checked.filter((c) => good.has(c.row)).map((c) => c.line));
      s.quarantined += bad.length;
      const reasons = [...new Set(bad.map((b) => b.reason))].slice(0, 5);
      o.log.warn("spool lines quarantined: not replayed", { file, lines: bad.length, reasons, quarantine: o.spool.dir });
    }
    return rows;
  };
  const back = () => {
    if (!healthy) o.log.info("database is back", { spool: o.spool.own });
    healthy = true;
  };
  const replay = (): Promise<void> => {
    replaying ??= replayAll().finally(() => (replaying = undefined));
    return replaying;
  };

  const adoptTimer = setInterval(() => {
    if (healthy && !replaying && !closed) void replay();
  }, adoptMs);
  (adoptTimer as { unref?: () => void }).unref?.();

  const stats = (): WriterStats => ({ ...s, queued: queue.length + taken, healthy, spoolBytes: o.spool.bytes() });

  return {
    add(rows) {
      adds++;
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
      clearInterval(adoptTimer);
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      timer = retry = undefined;
      while (queue.length > 0 || running) await run();
      o.spool.close();
    },
    stats,
  };
}
