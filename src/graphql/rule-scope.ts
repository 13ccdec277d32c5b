/**
 * Tenancy for fields that name a routing rule by id (scope.ts covers those
 * that name an org). An org key reaches its own org's rules only, and learns
 * nothing about other orgs' ids: unknown and foreign ids answer alike.
 */
import type { GraphqlContext } from "./context.ts";
import { badInput, forbidden } from "./errors.ts";
import { findRule, type RoutingRuleRow } from "../db/routing.ts";

export async function ruleInScope(ctx: GraphqlContext, id: string): Promise<RoutingRuleRow> {
  const rule = await findRule(ctx.deps.db, id);
  const p = ctx.principal;
  if (p.kind === "org" && rule?.org_id !== p.orgId) throw forbidden("An org key can only reach its own org's routing rules.");
  if (!rule) throw badInput(`No routing rule with id ${id}.`);
  return rule;
}
