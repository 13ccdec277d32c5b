/** Which budgets and limits a request counts against. Pure. */
import type { BudgetScope, CallFacts, RateLimit } from "./types.ts";

/** Exact, or a prefix when the pattern ends in `*` (as routing rules match models). */
export function matchesModel(pattern: string, model: string): boolean {
  return pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

export function inScope(scope: BudgetScope, c: Omit<CallFacts, "route">): boolean {
  return (
    (scope.feature === null || scope.feature === c.feature) &&
    (scope.task === null || scope.task === c.task) &&
    (scope.keyId === null || scope.keyId === c.keyId) &&
    (scope.provider === null || scope.provider === c.provider) &&
    (scope.model === null || matchesModel(scope.model, c.model))
  );
}

export function limitApplies(limit: RateLimit, c: Pick<CallFacts, "keyId" | "feature">): boolean {
  return (limit.keyId === null || limit.keyId === c.keyId) && (limit.feature === null || limit.feature === c.feature);
}
