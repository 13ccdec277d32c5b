import { builder } from "../builder.ts";
import { requireAdmin } from "../scope.ts";
import { Org } from "../types/org.ts";
import { listOrgs } from "../../db/orgs.ts";

builder.queryField("orgs", (t) =>
  t.field({
    type: [Org],
    description: "Every org, oldest first. Admin only.",
    resolve: async (_root, _args, ctx) => {
      requireAdmin(ctx, "orgs");
      return listOrgs(ctx.deps.db);
    },
  }),
);
