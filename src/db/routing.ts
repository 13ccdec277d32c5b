/** The only SQL over `routing_rules` used by the request path. */
import { asc } from "drizzle-orm";
import type { Db } from "./client.ts";
import { routingRules } from "./tables.ts";
import type { RoutingRule } from "../routing/rules.ts";
import type { ProviderId } from "../providers/types.ts";

export type RoutingRuleRow = typeof routingRules.$inferSelect;

export function toRule(r: RoutingRuleRow): RoutingRule {
  return {
    id: r.id,
    orgId: r.org_id,
    position: r.position,
    feature: r.feature,
    task: r.task,
    model: r.model,
    provider: r.provider as ProviderId | null,
    targetModel: r.target_model,
    targetProvider: r.target_provider as ProviderId | null,
    percent: r.percent,
    enabled: r.enabled,
  };
}

/** Every org's rules in order; the table is small (rules are written by people). */
export async function listAllRules(db: Db): Promise<RoutingRule[]> {
  return (await db.select().from(routingRules).orderBy(asc(routingRules.org_id), asc(routingRules.position))).map(toRule);
}
