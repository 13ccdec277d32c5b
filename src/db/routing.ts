/** The only SQL over `routing_rules`: the request path's full load, and the GraphQL API's reads and changes. */
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { routingRules } from "./tables.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { RoutingRule, RuleFields } from "../routing/rules.ts";
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

export type { RuleFields };

/** One org's rules in the order they apply. */
export async function listRules(db: Db, orgId: string): Promise<RoutingRuleRow[]> {
  return db.select().from(routingRules).where(eq(routingRules.org_id, orgId)).orderBy(asc(routingRules.position), asc(routingRules.id));
}

export async function findRule(db: Db, id: string): Promise<RoutingRuleRow | undefined> {
  return (await db.select().from(routingRules).where(eq(routingRules.id, id)))[0];
}

/**
 * Adds a rule after the org's last one, unless the org already has `maxRules`
 * (then undefined). One statement, so two concurrent calls cannot both take
 * the last place or the same position.
 */
export async function insertRule(db: Db, orgId: string, f: RuleFields, maxRules: number, now = Date.now()): Promise<RoutingRuleRow | undefined> {
  const res = await db.$client.execute({
    sql: `INSERT INTO routing_rules (id, org_id, position, feature, task, model, provider, target_model, target_provider, percent, enabled, created_at, updated_at)
      SELECT ?, ?, (SELECT coalesce(max(position) + 1, 0) FROM routing_rules WHERE org_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
      WHERE (SELECT count(*) FROM routing_rules WHERE org_id = ?) < ?
      RETURNING id`,
    args: [uuidv7(now), orgId, orgId, f.feature, f.task, f.model, f.provider, f.targetModel, f.targetProvider, f.percent, f.enabled ? 1 : 0, now, now, orgId, maxRules],
  });
  const id = res.rows[0]?.id;
  return id == null ? undefined : findRule(db, String(id));
}

export async function updateRule(db: Db, id: string, f: RuleFields, now = Date.now()): Promise<RoutingRuleRow | undefined> {
  const rows = await db
    .update(routingRules)
    .set({
      feature: f.feature,
      task: f.task,
      model: f.model,
      provider: f.provider,
      target_model: f.targetModel,
      target_provider: f.targetProvider,
      percent: f.percent,
      enabled: f.enabled,
      updated_at: now,
    })
    .where(eq(routingRules.id, id))
    .returning();
  return rows[0];
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  return (await db.delete(routingRules).where(eq(routingRules.id, id)).returning({ id: routingRules.id })).length > 0;
}

/** Gives the org's rules `ids` positions 0, 1, 2… in that order, in one transaction. */
export async function reorderRules(db: Db, orgId: string, ids: readonly string[], now = Date.now()): Promise<void> {
  const [first, ...rest] = ids.map((id, position) =>
    db
      .update(routingRules)
      .set({ position, updated_at: now })
      .where(and(eq(routingRules.org_id, orgId), eq(routingRules.id, id))),
  );
  if (first) await db.batch([first, ...rest]);
}
