/**
 * A block budget and a call whose cost cannot be estimated before it runs:
 * whether the budget exempts it, and the refusal that says how to price the
 * call or exempt it. Pure.
 */
import type { ProxyError } from "../http/errors.ts";
import type { UnknownCost } from "./estimate.ts";
import { matchesModel } from "./scope.ts";
import type { Budget, CallFacts } from "./types.ts";

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
