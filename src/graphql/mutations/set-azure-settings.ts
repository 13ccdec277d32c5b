import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { Settings } from "../types/settings.ts";
import { setAzureSettings } from "../../db/orgs.ts";
import { checkEndpoint, isApiVersion } from "../../proxy/azure-endpoint.ts";

builder.mutationField("setAzureSettings", (t) =>
  t.field({
    type: Settings,
    description:
      "Points the org's Azure OpenAI traffic at an endpoint. Checked like the proxy does: https, and never a private or loopback address unless LECTR_ALLOW_PRIVATE_UPSTREAMS.",
    args: { endpoint: t.arg.string({ required: true }), apiVersion: t.arg.string({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      if (!isApiVersion(args.apiVersion)) throw badInput(`"${args.apiVersion.slice(0, 40)}" is not an Azure api-version (e.g. 2024-10-21 or 2024-12-01-preview).`);
      const checked = await checkEndpoint(args.endpoint, ctx.deps.allowPrivateUpstreams);
      if (!checked.ok) throw badInput(`Endpoint refused: ${checked.error.reason}.`);
      const azure = { endpoint: checked.value, apiVersion: args.apiVersion };
      await setAzureSettings(ctx.deps.db, orgId, azure);
      // this process's cached keys carry the old settings; other replicas see the change within the cache TTL
      ctx.deps.auth.invalidate();
      return { azure };
    },
  }),
);
