import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { periodArg } from "../period.ts";
import { defaultRecommendationPreset, orgRecommendations } from "../recommend.ts";
import { orgScope } from "../scope.ts";
import { RoutingRule } from "../types/routing-rule.ts";
import { insertRule, listRules } from "../../db/routing.ts";
import { maxRulesPerOrg, ruleFields } from "../../routing/validate.ts";

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
