import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { RoutingRule } from "../types/routing-rule.ts";
import { listRules, reorderRules } from "../../db/routing.ts";

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
