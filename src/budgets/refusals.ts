/**
 * What a block budget answers a call it does not admit, as data: retry
 * shortly (429 budget_contended), used up for the call (402
 * budget_exceeded), or a cost it cannot estimate and does not exempt (402
 * budget_unmeasurable, saying how to price the call or exempt it). Pure.
 */
import type { ProxyError } from "../http/errors.ts";
import type { UnknownCost } from "./estimate.ts";
import type { BudgetLedger } from "./ledger.ts";
import { matchesModel } from "./scope.ts";
import type { Budget, CallFacts } from "./types.ts";

export interface Refusal {
  error: ProxyError;
  headers: Record<string, string>;
}

/**
 * What a caller asked to retry is told to wait: a round (tens of ms) gives the
 * asking replica the free room; another replica's settled call shows within
 * its next round, which runs at once while callers wait (guard `urgent`).
 */
export const contendedRetryMs = 200;

export function contended(b: Budget): Refusal {
  return {
    error: { kind: "budget_contended", budget: b.name },
    headers: { "retry-after": "1", "retry-after-ms": String(contendedRetryMs), "x-should-retry": "true", "x-lectr-budget-id": b.id },
  };
}

/** Room the call does not fit in is named (what is certainly left, what the call reserves): a client can ask for less. */
export function exceeded(l: BudgetLedger, callUsd: number): Refusal {
  const b = l.budget;
  const leftUsd = b.amountUsd - l.spentUsd - l.reservedUsd - l.pendingUsd;
  const room = leftUsd > 0 ? { room: { leftUsd, callUsd } } : {};
  return {
    error: { kind: "budget_exceeded", budget: b.name, resetsAt: l.end, ...room },
    headers: { "x-should-retry": "false", "x-lectr-budget-id": b.id, "x-lectr-budget-resets-at": new Date(l.end).toISOString() },
  };
}

export function unmeasurableRefusal(b: Budget, u: UnknownCost, route: string): Refusal {
  return { error: unmeasurable(b, u, route), headers: { "x-should-retry": "false", "x-lectr-budget-id": b.id } };
}

/** Routes start with "/"; anything else names a model. Both match exactly, or as a prefix ending in `*`. */
export function exempts(b: Budget, c: Pick<CallFacts, "route" | "model">): boolean {
  return b.exempt.some((e) => (e.startsWith("/") ? matchesModel(e, c.route) : c.model !== "" && matchesModel(e, c.model)));
}

/** `route`: the request path, the exemption offered when the model is not the cause. */
export function unmeasurable(b: Budget, u: UnknownCost, route: string): Extract<ProxyError, { kind: "budget_unmeasurable" }> {
  const q = (s: string) => JSON.stringify(s.slice(0, 128));
  switch (u.reason) {
    case "unpriced_model":
      return {
        kind: "budget_unmeasurable",
        budget: b.name,
        why: `model ${q(u.model)} has no price (set one with the setModelPrice mutation; an Azure deployment needs its model in setAzureSettings' deployments)`,
        exempt: u.model,
      };
    case "no_model":
      return { kind: "budget_unmeasurable", budget: b.name, why: "the request names no model", exempt: route };
    case "route":
      return { kind: "budget_unmeasurable", budget: b.name, why: `Lectr cannot tell what POST ${q(u.route)} costs before it runs`, exempt: u.route };
    case "hidden_input":
      return {
        kind: "budget_unmeasurable",
        budget: b.name,
        why: `part of its input (${u.field}) is stored at the provider, not sent in the request, so its size is unknown; send the input itself`,
        exempt: route,
      };
    case "background":
      return { kind: "budget_unmeasurable", budget: b.name, why: "a background response reports its usage only when it is read later", exempt: route };
  }
}
