import { builder } from "../builder.ts";
import { ruleInScope } from "../rule-scope.ts";
import { deleteRule } from "../../db/routing.ts";

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
