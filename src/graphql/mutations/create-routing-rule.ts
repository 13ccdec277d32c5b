import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { RoutingRule } from "../types/routing-rule.ts";
import { RoutingRuleInput } from "../types/routing-rule-input.ts";
import { insertRule } from "../../db/routing.ts";
import { maxRulesPerOrg, ruleFields } from "../../routing/validate.ts";

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
