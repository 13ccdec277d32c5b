/**
 * Routing rules: per org, ordered; the first enabled rule that matches a
 * request rewrites its model (and maybe provider) for `percent` of the
 * matching traffic. Pure: the proxy passes the facts in and applies the verdict.
 */
import type { ProviderId } from "../providers/types.ts";

/** What a rule matches and does: every field a person sets. */
export interface RuleFields {
  feature: string | null;
  task: string | null;
  /** Exact id, or a prefix ending in `*`. */
  model: string | null;
  provider: ProviderId | null;
  targetModel: string;
  targetProvider: ProviderId | null;
  percent: number;
  enabled: boolean;
}

export interface RoutingRule extends RuleFields {
  id: string;
  orgId: string;
  position: number;
}

export interface RouteFacts {
  feature: string | null;
  task: string | null;
  model: string;
  provider: ProviderId;
  /** The event id: the split is a stable function of it. */
  eventId: string;
  /** Providers whose key came with the request in X-Lectr-Provider-Key-<provider>. */
  keysFor: (provider: ProviderId) => boolean;
}

export type RouteVerdict =
  | { kind: "none" }
  /** Matched, but this request falls outside the rule's percentage. */
  | { kind: "outside"; rule: RoutingRule }
  | { kind: "skipped"; rule: RoutingRule; reason: "missing_provider_key" }
  | { kind: "routed"; rule: RoutingRule; model: string; provider: ProviderId };

export function matchesModel(pattern: string, model: string): boolean {
  return pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

export function ruleMatches(rule: RoutingRule, f: RouteFacts): boolean {
  return (
    rule.enabled &&
    (rule.feature === null || rule.feature === f.feature) &&
    (rule.task === null || rule.task === f.task) &&
    (rule.model === null || matchesModel(rule.model, f.model)) &&
    (rule.provider === null || rule.provider === f.provider)
  );
}

/**
 * A number in [0, 100) from the event id (FNV-1a over its random tail), so a
 * request's side of the split is decided by its id alone.
 */
export function bucketOf(eventId: string): number {
  let h = 0x811c9dc5;
  // a UUIDv7's first 13 hex digits are the timestamp; the rest is random
  for (let i = 14; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 100;
}

/** `rules` are one org's, ordered by position. The first match decides. */
export function route(rules: readonly RoutingRule[], f: RouteFacts): RouteVerdict {
  const rule = rules.find((r) => ruleMatches(r, f));
  if (!rule) return { kind: "none" };
  if (bucketOf(f.eventId) >= rule.percent) return { kind: "outside", rule };
  const provider = rule.targetProvider ?? f.provider;
  // Provider keys are never stored: a rule that changes provider needs the target's key on the request.
  if (provider !== f.provider && !f.keysFor(provider)) return { kind: "skipped", rule, reason: "missing_provider_key" };
  return { kind: "routed", rule, model: rule.targetModel, provider };
}
