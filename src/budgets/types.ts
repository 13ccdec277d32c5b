/** Budgets and rate limits as the request path and the sync thread see them (rows of `budgets` and `rate_limits`, src/db/budgets.ts). */
export type { Budget, BudgetAction, BudgetScope, RateLimit } from "../db/budgets.ts";

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
