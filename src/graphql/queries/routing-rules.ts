import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { RoutingRule } from "../types/routing-rule.ts";
import { listRules } from "../../db/routing.ts";

builder.queryField("routingRules", (t) =>
  t.field({
    type: [RoutingRule],
    description: "The org's routing rules in the order they apply.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => listRules(ctx.deps.db, await orgScope(ctx, args.orgId)),
  }),
);
