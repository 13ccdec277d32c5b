import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { Org } from "../types/org.ts";
import { listOrgs } from "../../db/orgs.ts";

builder.queryField("orgs", (t) =>
  t.field({
    type: [Org],
    description: "Every org, oldest first. Admin only.",
    authScopes: { platformAdmin: true },
    resolve: (_root, _args, ctx) => listOrgs(ctx.deps.db),
  }),
);

builder.queryField("org", (t) =>
  t.field({
    type: Org,
    description: "The org of the X-Lectr-Key, with its keys; with the admin token, the org orgId names.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => (await ctx.loaders.org.load(await orgScope(ctx, args.orgId)))!,
  }),
);
