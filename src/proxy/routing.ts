/** Applies the org's routing verdict to the request facts (src/routing/rules.ts decides). */
import { route, type RoutingRule } from "../routing/rules.ts";
import type { ProviderId } from "../providers/types.ts";
import type { RequestFacts } from "./event.ts";

/** X-Lectr-Provider-Key-Anthropic etc.: a key for the provider a rule may move the request to. */
const keyHeader = (p: ProviderId) => `x-lectr-provider-key-${p}`;

/**
 * Rewrites `req` (model, provider, routing fields) when a rule routes it.
 * Returns what the forwarder must change, or undefined when the request goes as sent.
 */
export function applyRouting(
  rules: readonly RoutingRule[],
  req: RequestFacts,
  headers: Headers,
): { providerKey: string | undefined } | undefined {
  if (rules.length === 0 || req.model === "") return undefined;
  const verdict = route(rules, {
    feature: req.tags.feature,
    task: req.tags.task,
    model: req.model,
    provider: req.provider,
    eventId: req.id,
    keysFor: (p) => headers.has(keyHeader(p)),
  });
  if (verdict.kind === "none") return undefined;
  req.routing.ruleId = verdict.rule.id;
  if (verdict.kind === "skipped") req.routing.skipped = verdict.reason;
  if (verdict.kind !== "routed") return undefined;
  const changesProvider = verdict.provider !== req.provider;
  req.routing.fromModel = req.model;
  req.model = verdict.model;
  req.provider = verdict.provider;
  return { providerKey: changesProvider ? (headers.get(keyHeader(verdict.provider)) ?? undefined) : undefined };
}
