/** Budgets and rate limits as the request path and the sync thread see them (rows of `budgets` and `rate_limits`). */
import type { BudgetPeriod } from "./period.ts";

export type BudgetAction = "alert" | "block";

/** What a budget counts: the org's requests, narrowed by every field that is set (null: any). */
export interface BudgetScope {
  feature: string | null;
  task: string | null;
  keyId: string | null;
  provider: string | null;
  /** An exact model id, or a prefix ending in `*`. */
  model: string | null;
}

export interface Budget {
  id: string;
  orgId: string;
  name: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** IANA zone the period follows; "UTC" by default. */
  timeZone: string;
  amountUsd: number;
  /** Percent of the amount at which an alert goes out, ascending. */
  thresholds: number[];
  action: BudgetAction;
  /**
   * Routes (starting with "/") and models (exact, or a prefix ending in `*`)
   * whose calls a block budget admits although their cost cannot be
   * estimated before they run; their recorded cost still counts.
   */
  exempt: string[];
}

/** Requests and tokens per minute for the org, one key or one feature (null both: the whole org). */
export interface RateLimit {
  id: string;
  orgId: string;
  name: string;
  keyId: string | null;
  feature: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

/** The facts of a request that budgets and limits match on. */
export interface CallFacts {
  orgId: string;
  keyId: string;
  feature: string | null;
  task: string | null;
  provider: string;
  model: string;
  /** The request path, for a budget's exempt routes. */
  route: string;
}

export const defaultThresholds: readonly number[] = [50, 80, 100];
