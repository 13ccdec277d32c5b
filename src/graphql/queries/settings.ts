import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { Settings } from "../types/settings.ts";
import { parseDeployments } from "../../db/orgs.ts";

builder.queryField("settings", (t) =>
  t.field({
    type: Settings,
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      // the same loader the admin's orgId check used: one query either way
      const org = await ctx.loaders.org.load(await orgScope(ctx, args.orgId));
      const azure =
        org?.azure_endpoint && org.azure_api_version
          ? { endpoint: org.azure_endpoint, apiVersion: org.azure_api_version, deployments: parseDeployments(org.azure_deployments) }
          : null;
      return { azure };
    },
  }),
);
