/** What the request thread and the reconciler thread say to each other. */
import type { LogLevel } from "../lib/log.ts";
import type { ThreadFailed } from "../lib/thread.ts";
import type { ReconcileControl } from "./control.ts";
import type { RunOutcome } from "./run.ts";
import type { ReconcileProvider } from "./types.ts";

export interface ThreadConfig {
  dbUrl: string;
  dbAuthToken: string | undefined;
  secretsKey: string | undefined;
  baseUrls: Record<ReconcileProvider, string>;
  pricesFile: string | undefined;
  allowPrivateUpstreams: boolean;
  logLevel: LogLevel;
}

export type ToThread =
  | { t: "init"; config: ThreadConfig }
  | { t: "setKey"; id: number; orgId: string; provider: ReconcileProvider; key: string }
  | { t: "run"; id: number; orgId: string; provider: ReconcileProvider; from: number; to: number }
  | { t: "round"; id: number }
  | { t: "close" };

export type FromThread =
  | { t: "ready"; offReason: string | null }
  | ThreadFailed
  | { t: "done"; id: number; outcome?: RunOutcome; error?: string }
  | { t: "gauges"; rows: ReturnType<ReconcileControl["gauges"]> }
  | { t: "closed" };
