/** What the request thread and the budget sync thread say to each other. */
import type { Hold } from "../db/budget-shares.ts";
import type { ThreadFailed } from "../lib/thread.ts";
import type { Budget, RateLimit } from "./types.ts";

export type { Hold };

/** What one replica uses of a budget (its period) or a rate limit (its minute): reservations and unwritten costs, or counts. */
export interface Share {
  subjectId: string;
  windowStart: number;
  reservedUsd: number;
  requests: number;
  tokens: number;
  /** What was asked for since the last round (USD for a budget, requests for a limit): leases follow demand. */
  demand: number;
  /** A budget's calls asked to retry here and not admitted since (USD): their callers are coming back. */
  want: number;
  /** The lease left when the round took its snapshot: the replica may use it until the round's answer arrives. */
  leftUsd: number;
  leftRequests: number;
  leftTokens: number;
  /** The part of reservedUsd that is settled costs not yet written (the rest is in flight). */
  pendingUsd: number;
}

/** What a replica may still take before its next round. */
export interface Lease {
  subjectId: string;
  windowStart: number;
  usd: number;
  requests: number;
  tokens: number;
  /** The budget lease this replica keeps while it asks for nothing: an unused larger one is cut back to it. */
  idleUsd: number;
}

export interface SyncState {
  /** Present when budgets or limits changed since the last state. */
  definitions?: { budgets: Budget[]; limits: RateLimit[] };
  /** Live replicas sharing the database, this one included. */
  replicas: number;
  /** Recorded spend of each budget's current period. */
  spent: { budgetId: string; start: number; usd: number; forecastUsd: number; unknownCostCalls?: number }[];
  /** The other replicas' holds, summed per subject and window. */
  remote: Hold[];
  /** This replica's leases, granted and published in this round. */
  leases: Lease[];
  /** Budgets whose recorded spend is still being summed (re-scoped, new period): no figures yet. */
  loading?: string[];
  /** Ids of events newly seen in the database. */
  written: string[];
  /** `orgId\0model` → p95 output tokens, when it changed. */
  outputP95?: [string, number][];
}

export interface SyncConfig {
  dbUrl: string;
  dbAuthToken: string | undefined;
  replicaId: string;
  allowPrivateUpstreams: boolean;
  logLevel: import("../lib/log.ts").LogLevel;
}

export type ToSync = { t: "init"; config: SyncConfig } | { t: "tick"; shares: Share[] } | { t: "close" };

export type FromSync = { t: "ready" } | ThreadFailed | { t: "state"; state: SyncState | undefined } | { t: "closed" };
