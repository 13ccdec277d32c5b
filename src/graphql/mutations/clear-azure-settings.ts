import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { Settings } from "../types/settings.ts";
import { setAzureSettings } from "../../db/orgs.ts";

builder.mutationField("clearAzureSettings", (t) =>
  t.field({
    type: Settings,
    description: "Turns Azure OpenAI off for the org, and forgets its deployment map.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      await setAzureSettings(ctx.deps.db, orgId, undefined);
      ctx.deps.auth.invalidate();
      await ctx.deps.priceBooks.refresh();
      return { azure: null };
    },
  }),
);
