/**
 * The per-period state of one budget and one rate-limit window, and the
 * admission rule over it. Pure: the guard owns the objects, the clock and
 * the sync.
 *
 * Committed spend is what the database holds (`spent`), what other replicas
 * hold (`remote`: their reservations, unwritten costs and unused leases) and
 * this replica's own reservations and settled-but-unwritten costs. Across
 * replicas a request also needs room in this replica's lease: a share of the
 * headroom the sync round granted and published before it could be used
 * (sync.ts), so replicas that have not seen each other's newest requests
 * still cannot overshoot together.
 */
import type { Budget, RateLimit } from "./types.ts";

export interface BudgetLedger {
  budget: Budget;
  start: number;
  end: number;
  /** Recorded in the database for this period. */
  spentUsd: number;
  forecastUsd: number;
  /** False while the sync thread is still summing the period's recorded spend. */
  spentKnown: boolean;
  /** Recorded calls that succeeded without a known cost: not in spentUsd. */
  unknownCostCalls: number;
  /** Other replicas' reservations, unwritten costs and unused leases. */
  remoteUsd: number;
  /** The part of remoteUsd that is in flight. */
  remoteReservedUsd: number;
  /** This replica's in-flight reservations. */
  reservedUsd: number;
  /** This replica's settled costs whose events are not in the database yet. */
  pendingUsd: number;
  /** What this replica may still reserve before the next round. */
  leaseUsd: number;
  /** Reserved here since the ledger began (the round subtracts what was reserved while it ran). */
  admittedUsd: number;
  /** Asked for here since the last round (admitted or not). */
  demandUsd: number;
  /** The largest call asked to retry for lack of lease and not admitted since: its caller is coming back. */
  wantUsd: number;
  wantAt: number;
  /** What the last round would lease this replica if it asked for nothing: an idle lease is cut back to it. */
  idleLeaseUsd: number;
  /** Other replicas asked for room of this budget in their last round. */
  remoteDemand: boolean;
  /** Other replicas have callers waiting for room of this budget. */
  remoteWant: boolean;
}

export interface LimitWindow {
  limit: RateLimit;
  /** Start of the minute (epoch ms). */
  start: number;
  requests: number;
  tokens: number;
  remoteRequests: number;
  remoteTokens: number;
  leaseRequests: number;
  leaseTokens: number;
  /** Counted here since the window began. */
  admittedRequests: number;
  admittedTokens: number;
  demandRequests: number;
}

export const windowMs = 60_000;

/** A fresh period or window before any round: each replica may use its share of the whole. */
export function newLedger(budget: Budget, start: number, end: number, replicas: number): BudgetLedger {
  return {
    budget,
    start,
    end,
    spentUsd: 0,
    forecastUsd: 0,
    spentKnown: true,
    unknownCostCalls: 0,
    remoteUsd: 0,
    remoteReservedUsd: 0,
    reservedUsd: 0,
    pendingUsd: 0,
    leaseUsd: budget.amountUsd / replicas,
    admittedUsd: 0,
    demandUsd: 0,
    wantUsd: 0,
    wantAt: 0,
    idleLeaseUsd: budget.amountUsd / replicas,
    remoteDemand: false,
    remoteWant: false,
  };
}

export function newWindow(limit: RateLimit, start: number, replicas: number): LimitWindow {
  return {
    limit,
    start,
    requests: 0,
    tokens: 0,
    remoteRequests: 0,
    remoteTokens: 0,
    leaseRequests: Math.floor((limit.requestsPerMinute ?? Infinity) / replicas),
    leaseTokens: Math.floor((limit.tokensPerMinute ?? Infinity) / replicas),
    admittedRequests: 0,
    admittedTokens: 0,
    demandRequests: 0,
  };
}

export function committedUsd(l: BudgetLedger): number {
  return l.spentUsd + l.remoteUsd + l.reservedUsd + l.pendingUsd;
}

/**
 * Whether a block budget can take `usd` more now. `exceeded` (final) only
 * when what is certain leaves no room: the recorded spend plus this
 * replica's own calls in flight and costs not yet written. The other
 * replicas' reservations are as of their last round and may have settled
 * since, so when only they fill the room the answer is `contended`
 * (retry shortly), as it is when room is left but this replica's lease
 * (applied while the sync is live) does not cover the call until the next
 * round.
 */
export function budgetVerdict(l: BudgetLedger, usd: number, leased: boolean): "ok" | "exceeded" | "contended" {
  // the recorded spend is still being summed (a new scope or period): nothing is certain yet
  if (!l.spentKnown) return "contended";
  const certain = l.spentUsd + l.reservedUsd + l.pendingUsd;
  const amount = l.budget.amountUsd;
  if (certain >= amount || certain + usd > amount) return "exceeded";
  if (certain + l.remoteReservedUsd + usd > amount) return "contended";
  if (leased ? usd > l.leaseUsd : committedUsd(l) + usd > amount) return "contended";
  return "ok";
}

/** The request and token counts a window can still take, across replicas. */
export function windowAdmits(w: LimitWindow, tokens: number, leased: boolean): { requests: boolean; tokens: boolean } {
  const { requestsPerMinute: rpm, tokensPerMinute: tpm } = w.limit;
  const requests = rpm === null || (w.requests + w.remoteRequests + 1 <= rpm && (!leased || w.leaseRequests >= 1));
  const tokensOk = tpm === null || (w.tokens + w.remoteTokens + tokens <= tpm && (!leased || w.leaseTokens >= tokens));
  return { requests, tokens: tokensOk };
}

/** The rate-limit headers OpenAI sends (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers). */
export function rateLimitHeaders(w: LimitWindow, now: number): Record<string, string> {
  const reset = formatDuration(Math.max(0, w.start + windowMs - now));
  const h: Record<string, string> = {};
  const { requestsPerMinute: rpm, tokensPerMinute: tpm } = w.limit;
  if (rpm !== null) {
    h["x-ratelimit-limit-requests"] = String(rpm);
    h["x-ratelimit-remaining-requests"] = String(Math.max(0, rpm - w.requests - w.remoteRequests));
    h["x-ratelimit-reset-requests"] = reset;
  }
  if (tpm !== null) {
    h["x-ratelimit-limit-tokens"] = String(tpm);
    h["x-ratelimit-remaining-tokens"] = String(Math.max(0, Math.floor(tpm - w.tokens - w.remoteTokens)));
    h["x-ratelimit-reset-tokens"] = reset;
  }
  return h;
}

/** OpenAI's duration form: "1s", "6m0s", "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export interface LeaseInput {
  /** The budget's amount, or the limit per minute. */
  limit: number;
  /** Recorded in the database (budgets; 0 for limits). */
  spent: number;
  /** This replica's use and its demand since the last round. */
  mine: number;
  myDemand: number;
  /** The other replicas' holds (use plus unused lease), their use alone, their demand and how many published a row. */
  othersHeld: number;
  othersUsed: number;
  /** Callers waiting for room here, and on the other replicas (budgets; 0 for limits). */
  myWant?: number;
  othersWant?: number;
  othersWithRow: number;
  /** Live replicas, this one included. */
  replicas: number;
}

/**
 * The lease a round grants: what this replica's demand since its last round
 * needs (twice over, for the round to come), or at least its idle share of
 * the unused room (`idleLease`), within the headroom nobody holds. Unused
 * room is not handed out beyond that: it stays free, so the replica that is
 * asked next takes what it needs in its own round, without waiting for an
 * idle replica to give its lease back. Every other replica's published hold
 * is an upper bound on what it can use until its own next round, and rounds
 * run one at a time (a write transaction), so each lease fits in the
 * headroom left by all the others. A live replica that has not published a
 * row for this period or minute yet may be using its provisional share
 * (limit / replicas). Pure.
 */
export function grantLease(i: LeaseInput): number {
  const n = Math.max(1, i.replicas);
  const missing = Math.max(0, n - 1 - i.othersWithRow);
  const others = i.othersHeld + (missing * i.limit) / n;
  const headroom = Math.max(0, i.limit - i.spent - others - i.mine);
  const lease = Math.min(headroom, Math.max(2 * i.myDemand, idleLease(i)));
  // callers waiting elsewhere come first: what this replica was asked for before is only a forecast
  const othersWant = i.othersWant ?? 0;
  if (othersWant <= 0) return lease;
  return Math.max(Math.min(headroom, i.myWant ?? 0), Math.min(lease, headroom - othersWant));
}

/** An idle replica's lease: alone, all the room nobody uses; else a 2n-th of it, so half stays free for whoever is asked. */
export function idleLease(i: LeaseInput): number {
  const n = Math.max(1, i.replicas);
  const free = Math.max(0, i.limit - i.spent - i.othersUsed - i.mine);
  return n === 1 ? free : free / (2 * n);
}
