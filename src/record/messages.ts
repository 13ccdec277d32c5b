/** What the request thread and the writer thread say to each other. */
import type { LogLevel } from "../lib/log.ts";
import type { ThreadFailed } from "../lib/thread.ts";
import type { WriterStats } from "./writer.ts";

export interface WriterConfig {
  dbUrl: string;
  dbAuthToken: string | undefined;
  spoolDir: string;
  batchSize: number;
  intervalMs: number;
  retryMs: number;
  maxQueued: number;
  /** A batch not written within this long counts as a failure. */
  timeoutMs: number;
  logLevel: LogLevel;
}

export type ToWriter =
  | { t: "init"; config: WriterConfig }
  /** A JSON array of EventRow. */
  | { t: "events"; json: string }
  | { t: "settle"; id: number }
  | { t: "close"; id: number };

export type FromWriter =
  | { t: "ready"; stats: WriterStats }
  | ThreadFailed
  | { t: "done"; id: number; stats: WriterStats }
  /** Every event of the first `n` "events" messages is in the database or the spool. */
  | { t: "ack"; n: number }
  | { t: "stats"; stats: WriterStats };
