/**
 * The request thread's side of event recording: `record` only appends to an
 * array; every few milliseconds the array is handed to the writer thread in
 * one message. Nothing on the request path awaits the database.
 *
 * A hand-over is kept until the writer says its events are in the database
 * or the spool. If the writer thread dies, that is noticed, a new one is
 * started and everything it had not finished is handed to it again (ids make
 * a second write of the same event a no-op). A close that cannot finish in
 * time spools what is left from this thread.
 *
 * Before any of that, `record` appends the event to this thread's journal
 * (journal.ts): the request's last byte goes out after it, so an answered
 * request's event survives SIGKILL of the process.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger } from "../lib/log.ts";
import type { FromWriter, ToWriter, WriterConfig } from "./messages.ts";
import { openSpool } from "./spool.ts";
import { openJournal } from "./journal.ts";
import type { WriterStats } from "./writer.ts";
import { spawnThread } from "../lib/thread.ts";

export interface Recorder {
  record(event: EventRow): void;
  /** Resolves when everything recorded so far is in the database (or the spool). */
  settled(): Promise<void>;
  /** Waits for the writer up to `timeoutMs`; what it has not finished by then is spooled from here. */
  close(timeoutMs?: number): Promise<void>;
  /** The writer's latest figures, plus events not yet handed over and writer-thread restarts. */
  stats(): WriterStats & { pending: number; restarts: number; journalFailures: number };
  readonly written: number;
}

export interface RecorderOptions {
  log: Logger;
  /** Starts the writer thread (tests keep a handle on it). */
  spawn?: () => Worker;
}

/** Hand-over cadence: short against the 250 ms flush, long enough that messages stay few. */
const handOverMs = 25;
const handOverCount = 1024;
/** A thread that dies again this soon after starting is restarted after a pause, not at once. */
const restartPauseMs = 1_000;

const spawnWriter = () => spawnThread(new URL("./worker.ts", import.meta.url));

export async function startRecorder(config: WriterConfig, opts: RecorderOptions): Promise<Recorder> {
  const { log } = opts;
  const spawn = opts.spawn ?? spawnWriter;
  /** Recorded events as JSON, not yet handed over: the journal's lines, joined into the hand-over's array. */
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stats: WriterStats | undefined;
  let nextId = 0;
  /** settle/close requests not answered yet, re-asked of a restarted thread. */
  const waiting = new Map<number, { t: "settle" | "close"; resolve: () => void }>();
  /** Hand-overs (JSON arrays) the current thread has not finished; the first `sent` of them were posted to it. */
  let unfinished: { json: string; count: number }[] = [];
  let sent = 0;
  let acked = 0;
  let worker: Worker | undefined;
  let ready = false;
  let closing = false;
  let closed = false;
  let restarts = 0;
  let startedAt = 0;
  let startedOnce = false;
  /** Hand-overs made, and finished by the writer (in order), since the start: the journal's files follow them. */
  let handed = 0;
  let finished = 0;
  const journal = openJournal(config.spoolDir, log);

  const post = (m: ToWriter) => worker!.postMessage(m);
  const flushUnsent = () => {
    if (!ready) return;
    for (; sent < unfinished.length; sent++) post({ t: "events", json: unfinished[sent]!.json });
  };

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const w = spawn();
      worker = w;
      ready = false;
      sent = 0;
      acked = 0;
      startedAt = Date.now();
      let dead = false;
      const died = (why: string) => {
        if (dead || worker !== w) return;
        dead = true;
        worker = undefined;
        ready = false;
        if (!startedOnce) return reject(new Error(`event writer failed to start: ${why}`));
        if (closing && waiting.size === 0) return;
        restarts++;
        log.error("event writer thread stopped; starting a new one", { error: why, unfinished: unfinished.reduce((n, u) => n + u.count, 0) });
        w.terminate();
        const pause = Date.now() - startedAt < restartPauseMs ? restartPauseMs : 0;
        setTimeout(() => void start().catch(() => {}), pause);
      };
      w.onmessage = (e: MessageEvent<FromWriter>) => {
        const m = e.data;
        if (worker !== w) return;
        if (m.t === "failed") return died(m.message);
        if (m.t === "ready" || m.t === "stats" || m.t === "done") stats = m.stats;
        if (m.t === "ready") {
          startedOnce = true;
          ready = true;
          flushUnsent();
          for (const [id, ask] of waiting) post({ t: ask.t, id });
          resolve();
        }
        if (m.t === "ack") {
          const k = m.n - acked;
          acked = m.n;
          unfinished.splice(0, k);
          sent -= k;
          finished += k;
          journal.finished(finished);
        }
        if (m.t === "done") {
          waiting.get(m.id)?.resolve();
          waiting.delete(m.id);
        }
      };
      w.onerror = (e) => died(e.message || "crashed");
      w.addEventListener("close", () => died("exited"));
      w.postMessage({ t: "init", config } satisfies ToWriter);
    });
  await start();

  const handOver = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    // one JSON string: cheaper to hand over than a structured clone of many objects
    unfinished.push({ json: `[${pending.join(",")}]`, count: pending.length });
    pending = [];
    journal.handedOver(++handed);
    // a request that ended after the writer closed: its event goes straight to the spool
    if (closed) spoolUnfinished();
    else flushUnsent();
  };
  const ask = (t: "settle" | "close") => {
    handOver();
    if (closed) return Promise.resolve();
    const id = nextId++;
    const done = new Promise<void>((resolve) => waiting.set(id, { t, resolve }));
    if (ready) post({ t, id });
    return done;
  };

  /** Writes what the thread has not finished into a spool directory of this thread's own. */
  const spoolUnfinished = (): boolean => {
    const rows = unfinished.flatMap((u) => JSON.parse(u.json) as EventRow[]);
    unfinished = [];
    if (rows.length === 0) return true;
    try {
      const spool = openSpool(config.spoolDir);
      spool.append(rows);
      spool.close();
      log.warn("events left in the spool: the event writer was stopped before it wrote them", { events: rows.length, spool: spool.own });
      return true;
    } catch (err) {
      log.error("events lost: writer and spool both failed", { events: rows.length, error: String(err), ids: rows.map((r) => r.id) });
      return false;
    }
  };

  return {
    record(event) {
      // serialised once, for the journal and the hand-over alike
      const json = JSON.stringify(event);
      journal.write(json);
      pending.push(json);
      if (pending.length >= handOverCount) handOver();
      else timer ??= setTimeout(handOver, handOverMs);
    },
    settled: () => ask("settle"),
    async close(timeoutMs = 30_000) {
      if (closing) return;
      closing = true;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<"timeout">((r) => (timeout = setTimeout(() => r("timeout"), timeoutMs)));
      const outcome = await Promise.race([ask("close"), expired]);
      clearTimeout(timeout);
      const w = worker;
      worker = undefined;
      ready = false;
      closed = true;
      w?.terminate();
      // the journal's files go once their events are written or spooled; otherwise they wait for the next start
      journal.close(outcome === "timeout" && !spoolUnfinished());
    },
    stats: () => ({ ...stats!, pending: pending.length, restarts, journalFailures: journal.failures }),
    get written() {
      return stats?.written ?? 0;
    },
  };
}
