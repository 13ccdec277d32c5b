import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { ruleInScope } from "../rule-scope.ts";
import { RoutingRule } from "../types/routing-rule.ts";
import { RoutingRuleInput } from "../types/routing-rule-input.ts";
import { toRule, updateRule } from "../../db/routing.ts";
import { ruleFields } from "../../routing/validate.ts";

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
