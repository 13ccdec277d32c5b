/** Applies the org's routing verdict to the request facts (src/routing/rules.ts decides). */
import { route, type RoutingRule } from "../routing/rules.ts";
import type { ProviderId } from "../providers/types.ts";
import type { RequestFacts } from "./event.ts";

/** X-Lectr-Provider-Key-Anthropic etc.: a key for the provider a rule may move the request to. */
const keyHeader = (p: ProviderId) => `x-lectr-provider-key-${p}`;

export interface Routed {
  /** The facts after the verdict: model, provider and routing fields as the rule left them. */
  req: RequestFacts;
  /** The body must name another model. */
  changed: boolean;
  /** The target provider's key (X-Lectr-Provider-Key-<provider>), when the rule changed provider. */
  providerKey: string | undefined;
}

/** New request facts for the verdict; `req` is left as it was. */
export function applyRule(rules: readonly RoutingRule[], req: RequestFacts, headers: Headers): Routed {
  const unchanged: Routed = { req, changed: false, providerKey: undefined };
  if (rules.length === 0 || req.model === "") return unchanged;
  const verdict = route(rules, {
    feature: req.tags.feature,
    task: req.tags.task,
    model: req.model,
    provider: req.provider,
    eventId: req.id,
    keysFor: (p) => headers.has(keyHeader(p)),
  });
  if (verdict.kind === "none") return unchanged;
  if (verdict.kind !== "routed") {
    const skipped = verdict.kind === "skipped" ? verdict.reason : null;
    return { ...unchanged, req: { ...req, routing: { ...req.routing, ruleId: verdict.rule.id, skipped } } };
  }
  const changesProvider = verdict.provider !== req.provider;
  return {
    req: { ...req, model: verdict.model, provider: verdict.provider, routing: { ruleId: verdict.rule.id, fromModel: req.model, skipped: null } },
    changed: true,
    providerKey: changesProvider ? (headers.get(keyHeader(verdict.provider)) ?? undefined) : undefined,
  };
}
