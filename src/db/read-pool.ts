/**
 * The read connection for GraphQL and the dashboard: a few threads, each
 * with its own libSQL connection to the same database (WAL lets them read
 * while the event writer commits), behind an object that speaks libSQL's
 * `Client` interface, so drizzle and every query function use it unchanged.
 *
 * Each statement runs on an idle thread (the rest wait in line) and may take
 * `timeoutMs`, waiting included; past that it fails with ReadTimeoutError.
 * A waiting statement is dropped. A running one cannot be stopped: the
 * engine cannot be interrupted from another thread, terminating a thread
 * inside it aborts the whole process (Bun), and a replaced connection keeps
 * its file open after close (libSQL) — so its thread finishes the statement
 * (the cost limit bounds its scan), drops the answer and takes the next one.
 * Threads start on the first read (a replica that only proxies holds none)
 * and live as long as the database is open.
 */
import type { Client, InArgs, InStatement, ResultSet, TransactionMode } from "@libsql/client";
import { fromWire } from "./read-rows.ts";
import type { FromReader, ToReader } from "./read-messages.ts";
import { spawnThread } from "../lib/thread.ts";

export class ReadTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`A database read did not finish within ${timeoutMs} ms (LECTR_READ_TIMEOUT_MS). Ask for a shorter period or fewer groups.`);
  }
}

export class ReadQueueFullError extends Error {}

export interface ReadStats {
  threads: number;
  /** Statements running now (an abandoned one until it ends). */
  busy: number;
  /** Statements waiting for a thread. */
  queued: number;
  /** Reads answered with ReadTimeoutError. */
  timedOut: number;
}

export interface ReadPool {
  client: Client;
  stats(): ReadStats;
  close(): void;
}

export interface ReadPoolOptions {
  url: string;
  authToken: string | undefined;
  threads: number;
  timeoutMs: number;
  busyTimeoutMs: number;
  /** Where interactive transactions and scripts run (the database's own client, as before). */
  writer: Client;
  /** Starts a read thread (tests keep a handle on it). */
  spawn?: () => Worker;
}

type Ask = { t: "execute"; stmt: InStatement } | { t: "batch"; stmts: InStatement[]; mode: TransactionMode | undefined };

interface Job {
  ask: Ask;
  /** Answered already (timed out, or the pool closed): a late result is dropped. */
  done: boolean;
  timer?: ReturnType<typeof setTimeout>;
  resolve(results: ResultSet[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  job?: Job;
}

/** Statements waiting for a thread; past this a read is refused at once. */
const maxQueued = 1_000;

const spawnReader = () => spawnThread(new URL("./read-worker.ts", import.meta.url));

export function startReadPool(opts: ReadPoolOptions): ReadPool {
  const spawn = opts.spawn ?? spawnReader;
  const threads = new Set<Thread>();
  const queue: Job[] = [];
  let nextId = 0;
  let timedOut = 0;
  let closed = false;

  const settle = (job: Job | undefined, fn: (j: Job) => void) => {
    if (!job || job.done) return;
    job.done = true;
    clearTimeout(job.timer);
    fn(job);
  };

  /** Closes a thread's connection and lets it exit (only between statements: see above). */
  const end = (t: Thread) => {
    threads.delete(t);
    t.worker.onmessage = null;
    t.worker.postMessage({ t: "close" } satisfies ToReader);
  };

  const fail = (t: Thread, error: Error) => {
    threads.delete(t);
    t.worker.onmessage = null;
    t.worker.terminate();
    settle(t.job, (j) => j.reject(error));
    // a thread that cannot start fails the statements waiting for it, not only its own
    if (!t.ready) for (const waiting of queue.splice(0)) settle(waiting, (j) => j.reject(error));
    dispatch();
  };

  const start = (): Thread => {
    const t: Thread = { worker: spawn(), ready: false };
    threads.add(t);
    t.worker.onmessage = (e: MessageEvent<FromReader>) => {
      const m = e.data;
      if (m.t === "failed") return fail(t, new Error(`the read connection could not open the database: ${m.message}`));
      if (m.t === "ready") t.ready = true;
      const job = t.job;
      t.job = undefined;
      if (m.t === "result") settle(job, (j) => j.resolve(m.results.map(fromWire)));
      if (m.t === "error") settle(job, (j) => j.reject(Object.assign(new Error(m.message), { code: m.code })));
      if (closed) return end(t);
      dispatch();
    };
    t.worker.onerror = (e) => fail(t, new Error(`a read thread stopped: ${e.message || "crashed"}`));
    t.worker.postMessage({ t: "init", url: opts.url, authToken: opts.authToken, busyTimeoutMs: opts.busyTimeoutMs } satisfies ToReader);
    return t;
  };

  function dispatch() {
    while (!closed && queue.length > 0) {
      const idle = [...threads].find((t) => t.ready && !t.job);
      if (idle) {
        const job = queue.shift()!;
        idle.job = job;
        idle.worker.postMessage({ ...job.ask, id: nextId++ } satisfies ToReader);
        continue;
      }
      // one starting thread per waiting statement at most, up to the limit
      const starting = [...threads].filter((t) => !t.ready).length;
      if (threads.size < opts.threads && starting < queue.length) {
        start();
        continue;
      }
      return;
    }
  }

  const ask = (a: Ask): Promise<ResultSet[]> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error("the read connection is closed"));
      if (queue.length >= maxQueued) return reject(new ReadQueueFullError(`${maxQueued} database reads are waiting already; try again shortly.`));
      const job: Job = { ask: a, done: false, resolve, reject };
      job.timer = setTimeout(() => {
        const waiting = queue.indexOf(job);
        if (waiting >= 0) queue.splice(waiting, 1);
        timedOut++;
        settle(job, (j) => j.reject(new ReadTimeoutError(opts.timeoutMs)));
      }, opts.timeoutMs);
      queue.push(job);
      dispatch();
    });

  return {
    client: readClient(ask, opts.writer, () => close()),
    stats: () => ({ threads: threads.size, busy: [...threads].filter((t) => t.job).length, queued: queue.length, timedOut }),
    close,
  };

  function close() {
    closed = true;
    const error = new Error("the read connection is closed");
    for (const t of [...threads]) {
      settle(t.job, (j) => j.reject(error));
      // a thread inside a statement ends when it is done (its answer arrives with `closed` set)
      if (!t.job && t.ready) end(t);
    }
    for (const job of queue.splice(0)) settle(job, (j) => j.reject(error));
  }
}

/**
 * Reads on the calling thread, each bounded by `timeoutMs`: for a remote
 * database (its client only waits on a socket, the server does the work;
 * a late answer is abandoned) and for an in-memory one (no other connection
 * can see it).
 */
export function inlineReads(client: Client, timeoutMs: number): ReadPool {
  let busy = 0;
  let timedOut = 0;
  const ask = async (a: Ask): Promise<ResultSet[]> => {
    busy++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut++;
        reject(new ReadTimeoutError(timeoutMs));
      }, timeoutMs);
    });
    try {
      const work = a.t === "execute" ? client.execute(a.stmt).then((r) => [r]) : client.batch(a.stmts, a.mode);
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
      busy--;
    }
  };
  return { client: readClient(ask, client, () => {}), stats: () => ({ threads: 0, busy, queued: 0, timedOut }), close: () => {} };
}

const statement = (s: InStatement | [string, InArgs?]): InStatement => (Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s);

/**
 * libSQL's Client over `ask`: statements and batches (a batch is one
 * transaction on a read thread's connection). An interactive transaction
 * holds its connection between statements, so it runs on `writer`, the
 * database's own client, as every statement did before read threads: keep
 * such transactions short and bounded.
 */
function readClient(ask: (a: Ask) => Promise<ResultSet[]>, writer: Client, close: () => void): Client {
  let closed = false;
  const client = {
    execute: (stmt: InStatement | string, args?: InArgs) =>
      ask({ t: "execute", stmt: typeof stmt === "string" && args !== undefined ? { sql: stmt, args } : stmt }).then((r) => r[0]!),
    batch: (stmts: (InStatement | [string, InArgs?])[], mode?: TransactionMode) => ask({ t: "batch", stmts: stmts.map(statement), mode }),
    migrate: (stmts: InStatement[]) => writer.migrate(stmts),
    transaction: (mode?: TransactionMode) => writer.transaction(mode),
    executeMultiple: (sql: string) => writer.executeMultiple(sql),
    sync: () => writer.sync(),
    close: () => {
      closed = true;
      close();
    },
    reconnect: () => {},
    get closed() {
      return closed;
    },
    protocol: "file",
  };
  return client as unknown as Client;
}
