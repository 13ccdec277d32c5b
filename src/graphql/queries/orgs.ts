import { builder } from "../builder.ts";
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
