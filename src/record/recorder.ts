/**
 * The request thread's side of event recording: `record` only appends to an
 * array; every few milliseconds the array is handed to the writer thread in
 * one message. Nothing on the request path awaits the database.
 */
import type { EventRow } from "../db/tables.ts";
import type { FromWriter, ToWriter, WriterConfig } from "./messages.ts";
import type { WriterStats } from "./writer.ts";

export interface Recorder {
  record(event: EventRow): void;
  /** Resolves when everything recorded so far is in the database (or the spool). */
  settled(): Promise<void>;
  close(): Promise<void>;
  /** The writer's latest figures, plus events not yet handed over. */
  stats(): WriterStats & { pending: number };
  readonly written: number;
}

/** Hand-over cadence: short against the 250 ms flush, long enough that messages stay few. */
const handOverMs = 25;
const handOverCount = 1024;

export async function startRecorder(config: WriterConfig): Promise<Recorder> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
  let pending: EventRow[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stats: WriterStats | undefined;
  let nextId = 0;
  const waiting = new Map<number, () => void>();
  let closed = false;

  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FromWriter>) => {
      const m = e.data;
      if (m.t === "failed") reject(new Error(`event writer failed to start: ${m.message}`));
      if (m.t === "ready" || m.t === "stats" || m.t === "done") stats = m.stats;
      if (m.t === "ready") resolve();
      if (m.t === "done") {
        waiting.get(m.id)?.();
        waiting.delete(m.id);
      }
    };
    worker.onerror = (e) => reject(new Error(`event writer crashed: ${e.message}`));
  });
  const send = (m: ToWriter) => worker.postMessage(m);
  send({ t: "init", config });
  await ready;

  const handOver = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    // one JSON string: cheaper to hand over than a structured clone of many objects
    send({ t: "events", json: JSON.stringify(pending) });
    pending = [];
  };
  const ask = (t: "settle" | "close") => {
    handOver();
    const id = nextId++;
    const done = new Promise<void>((resolve) => waiting.set(id, resolve));
    send({ t, id });
    return done;
  };

  return {
    record(event) {
      pending.push(event);
      if (pending.length >= handOverCount) handOver();
      else timer ??= setTimeout(handOver, handOverMs);
    },
    settled: () => ask("settle"),
    async close() {
      if (closed) return;
      closed = true;
      await ask("close");
      worker.terminate();
    },
    stats: () => ({ ...stats!, pending: pending.length }),
    get written() {
      return stats?.written ?? 0;
    },
  };
}
