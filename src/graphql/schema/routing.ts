/** Routing rules: moving a slice of traffic to another model, their outcome, and applying a recommendation as one. */
import { builder } from "../builder.ts";
import { Provider, PeriodInput } from "./common.ts";
import { type RoutingRuleRow, findRule, listRules, insertRule, toRule, updateRule, deleteRule, reorderRules } from "../../db/routing.ts";
import type { ProviderId } from "../../providers/types.ts";
import { type SliceStats, type RuleOutcome, ruleOutcome } from "../../routing/stats.ts";
import { orgScope } from "../scope.ts";
import { periodArg } from "../period-arg.ts";
import type { GraphqlContext } from "../context.ts";
import { ruleSliceCounts } from "../../db/event-groups.ts";
import { badInput, forbidden } from "../errors.ts";
import { maxRulesPerOrg, ruleFields } from "../../routing/validate.ts";
import { defaultRecommendationPreset, orgRecommendations } from "../recommend.ts";

/**
 * Tenancy for fields that name a routing rule by id (scope.ts covers those
 * that name an org). An org key reaches its own org's rules only, and learns
 * nothing about other orgs' ids: unknown and foreign ids answer alike.
 */
async function ruleInScope(ctx: GraphqlContext, id: string): Promise<RoutingRuleRow> {
  const rule = await findRule(ctx.deps.db, id);
  const p = ctx.principal;
  if (p.kind === "org" && rule?.org_id !== p.orgId) throw forbidden("An org key can only reach its own org's routing rules.");
  if (!rule) throw badInput(`No routing rule with id ${id}.`);
  return rule;
}

export const RoutingRuleInput = builder.inputType("RoutingRuleInput", {
  description:
    "A rule must match on at least one of feature, task or model. Creating, what is left out matches anything, keeps the provider, routes 100% and is enabled. Updating, what is left out keeps its value and null clears a match field; percent and enabled are kept unless given.",
  fields: (t) => ({
    feature: t.string(),
    task: t.string({ description: "One of the X-Lectr-Task values." }),
    model: t.string({ description: 'An exact model id, or a prefix ending in * ("gpt-4o*"; "*" matches every model).' }),
    provider: t.field({ type: Provider }),
    targetModel: t.string({ required: true }),
    targetProvider: t.field({ type: Provider }),
    percent: t.int({ description: "1–100; default 100." }),
    enabled: t.boolean({ description: "Default true." }),
  }),
});

export const RoutingRule = builder.objectRef<RoutingRuleRow>("RoutingRule").implement({
  description:
    "Sends matching requests to another model. Rules apply in position order; the first enabled rule whose every set field matches decides. Unset match fields match anything.",
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.exposeInt("position", { description: "Lower applies first." }),
    feature: t.exposeString("feature", { nullable: true, description: "X-Lectr-Feature, exactly." }),
    task: t.exposeString("task", { nullable: true, description: "X-Lectr-Task." }),
    model: t.exposeString("model", { nullable: true, description: "The requested model: an exact id, or a prefix ending in *." }),
    provider: t.field({ type: Provider, nullable: true, description: "The provider the request would go to.", resolve: (r) => r.provider as ProviderId | null }),
    targetModel: t.exposeString("target_model"),
    targetProvider: t.field({
      type: Provider,
      nullable: true,
      resolve: (r) => r.target_provider as ProviderId | null,
      description: "null: the request's own provider. Another provider needs its key on each request, in X-Lectr-Provider-Key-<provider>; without it the rule is skipped.",
    }),
    percent: t.exposeInt("percent", { description: "The share of matching requests routed (1–100), chosen by a stable hash of the request id; the rest is the rule's control group." }),
    enabled: t.exposeBoolean("enabled"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    updatedAt: t.expose("updated_at", { type: "DateTime" }),
  }),
});

export const RoutingSlice = builder.objectRef<SliceStats>("RoutingSlice").implement({
  description: "Requests a routing rule matched, on one side of its split.",
  fields: (t) => ({
    requests: t.exposeInt("requests"),
    errors: t.exposeInt("errors", { description: "Provider errors: status ≥ 500, 429, upstream_timeout or upstream_unreachable." }),
    errorRate: t.exposeFloat("errorRate", { description: "errors / requests (0…1)." }),
    costUsd: t.exposeFloat("costUsd"),
    costPerRequestUsd: t.exposeFloat("costPerRequestUsd", { nullable: true, description: "costUsd over the requests whose cost is known; null when none is." }),
    avgLatencyMs: t.exposeFloat("avgLatencyMs", { nullable: true }),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", { nullable: true, description: "From the latency histogram, as in ModelUsage." }),
  }),
});

export type RoutingRuleStatsShape = RuleOutcome & { rule: RoutingRuleRow; from: number; to: number };

export const RoutingRuleStats = builder.objectRef<RoutingRuleStatsShape>("RoutingRuleStats").implement({
  description: "A routing rule's outcome in a period: the requests it routed against the ones it matched and sent as asked.",
  fields: (t) => ({
    rule: t.field({ type: RoutingRule, resolve: (s) => s.rule }),
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    routed: t.expose("routed", { type: RoutingSlice, description: "Sent to the target model." }),
    control: t.expose("control", { type: RoutingSlice, description: "Matched but outside the rule's percent: sent as asked, the comparison group." }),
    skipped: t.exposeInt("skipped", { description: "Matched and chosen, but sent as asked because the request lacked the target provider's key." }),
  }),
});

builder.queryField("routingRules", (t) =>
  t.field({
    type: [RoutingRule],
    description: "The org's routing rules in the order they apply.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => listRules(ctx.deps.db, await orgScope(ctx, args.orgId)),
  }),
);

builder.queryField("routingRuleStats", (t) =>
  t.field({
    type: RoutingRuleStats,
    description: "A routing rule's outcome in the period (default: the last 30 days): the requests it routed against its control group, the ones it matched and sent as asked.",
    args: { id: t.arg.id({ required: true }), period: t.arg({ type: PeriodInput }) },
    // the rule's events in the period, at most the org's (the admin's rule is found only when it runs)
    complexity: (args, ctx) => ({ field: 1, rows: ctx.principal.kind === "org" ? ctx.scan.rows(ctx.principal.orgId, args.period, { preset: "LAST_30_DAYS" }) : 0 }),
    resolve: async (_root, args, ctx) => {
      const rule = await ruleInScope(ctx, args.id);
      const period = periodArg(args.period, ctx.now, "LAST_30_DAYS");
      const counts = await ruleSliceCounts(ctx.deps.db, { orgId: rule.org_id, ruleId: rule.id, ...period });
      return { rule, ...period, ...ruleOutcome(counts) };
    },
  }),
);

builder.mutationField("createRoutingRule", (t) =>
  t.field({
    type: RoutingRule,
    description: "Adds a rule after the org's last one. It applies at once in this process (other replicas within 2 s).",
    args: { input: t.arg({ type: RoutingRuleInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const fields = ruleFields(args.input);
      if (!fields.ok) throw badInput(fields.error);
      const rule = await insertRule(ctx.deps.db, orgId, fields.value, maxRulesPerOrg);
      if (!rule) throw badInput(`An org can have at most ${maxRulesPerOrg} routing rules.`);
      await ctx.deps.rules.refresh();
      return rule;
    },
  }),
);

builder.mutationField("updateRoutingRule", (t) =>
  t.field({
    type: RoutingRule,
    description: "Changes a rule; fields left out keep their value, null clears a match field. Its position stays. Applies at once in this process.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: RoutingRuleInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const current = await ruleInScope(ctx, args.id);
      const fields = ruleFields(args.input, toRule(current));
      if (!fields.ok) throw badInput(fields.error);
      const rule = await updateRule(ctx.deps.db, current.id, fields.value);
      // deleted in between: answer as for an unknown id
      if (!rule) throw badInput(`No routing rule with id ${args.id}.`);
      await ctx.deps.rules.refresh();
      return rule;
    },
  }),
);

builder.mutationField("deleteRoutingRule", (t) =>
  t.field({
    type: "Boolean",
    description: "Deletes a rule; true when this call deleted it. Its events keep its id in routing_rule_id. Applies at once in this process.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const rule = await ruleInScope(ctx, args.id);
      const deleted = await deleteRule(ctx.deps.db, rule.id);
      await ctx.deps.rules.refresh();
      return deleted;
    },
  }),
);

builder.mutationField("reorderRoutingRules", (t) =>
  t.field({
    type: [RoutingRule],
    description: "Puts the org's rules in this order (the first applies first). ids must list every rule of the org exactly once. Applies at once in this process.",
    args: { ids: t.arg.idList({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const current = new Set((await listRules(ctx.deps.db, orgId)).map((r) => r.id));
      const given = new Set(args.ids);
      // other orgs' ids and unknown ids answer alike
      if (given.size !== args.ids.length || given.size !== current.size || args.ids.some((id) => !current.has(id))) {
        throw badInput(`ids must list each of the org's ${current.size} routing rules exactly once (routingRules has them).`);
      }
      await reorderRules(ctx.deps.db, orgId, args.ids);
      await ctx.deps.rules.refresh();
      return listRules(ctx.deps.db, orgId);
    },
  }),
);

/** A recommendation is tried on a slice first; raise it with updateRoutingRule once routingRuleStats looks right. */
const defaultPercent = 10;

builder.mutationField("applyRecommendation", (t) =>
  t.field({
    type: RoutingRule,
    description: `Creates a rule from one of the org's recommendations (over the last 30 days): requests for fromModel (with this task, if given) go to toModel, for percent of them (default ${defaultPercent}). Added after the org's last rule; applies at once in this process.`,
    args: {
      fromModel: t.arg.string({ required: true }),
      toModel: t.arg.string({ required: true }),
      task: t.arg.string(),
      percent: t.arg.int(),
      orgId: t.arg.id(),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(undefined, ctx.now, defaultRecommendationPreset);
      const recommended = (await orgRecommendations(ctx, orgId, period)).find((r) => r.fromModel === args.fromModel && r.toModel === args.toModel);
      if (!recommended) {
        throw badInput(`${args.fromModel} → ${args.toModel} is not among the org's recommendations for the last 30 days (recommendations lists them); createRoutingRule routes any model.`);
      }
      const fields = ruleFields({
        model: recommended.fromModel,
        provider: recommended.provider,
        task: args.task,
        targetModel: recommended.toModel,
        percent: args.percent ?? defaultPercent,
      });
      if (!fields.ok) throw badInput(fields.error);
      const f = fields.value;
      const same = (await listRules(ctx.deps.db, orgId)).find(
        (r) => r.model === f.model && r.provider === f.provider && r.task === f.task && r.feature === null && r.target_model === f.targetModel && r.target_provider === null,
      );
      if (same) throw badInput(`Rule ${same.id} already does this; change its percent with updateRoutingRule.`);
      const rule = await insertRule(ctx.deps.db, orgId, f, maxRulesPerOrg);
      if (!rule) throw badInput(`An org can have at most ${maxRulesPerOrg} routing rules.`);
      await ctx.deps.rules.refresh();
      return rule;
    },
  }),
);
