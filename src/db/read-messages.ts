/** What the read thread and the thread that asks it say to each other. */
import type { InStatement, TransactionMode } from "@libsql/client";
import type { WireResult } from "./read-rows.ts";
import type { ThreadFailed } from "../lib/thread.ts";

export type ToReader =
  | { t: "init"; url: string; authToken: string | undefined; busyTimeoutMs: number }
  | { t: "execute"; id: number; stmt: InStatement }
  | { t: "batch"; id: number; stmts: InStatement[]; mode: TransactionMode | undefined }
  /** Close the connection and exit (sent only between statements: ending a thread inside the engine aborts the process). */
  | { t: "close" };

export type FromReader =
  | { t: "ready" }
  | ThreadFailed
  | { t: "result"; id: number; results: WireResult[] }
  | { t: "error"; id: number; message: string; code: string | undefined };
