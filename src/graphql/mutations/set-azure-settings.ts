import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { AzureDeploymentInput } from "../types/azure-deployment-input.ts";
import { Settings } from "../types/settings.ts";
import { parseDeployments, setAzureSettings } from "../../db/orgs.ts";
import { deploymentsProblem } from "../../pricing/price-input.ts";
import { checkEndpoint, isApiVersion } from "../../proxy/azure-endpoint.ts";

builder.mutationField("setAzureSettings", (t) =>
  t.field({
    type: Settings,
    description:
      "Points the org's Azure OpenAI traffic at an endpoint. Checked like the proxy does: https, and never a private or loopback address unless LECTR_ALLOW_PRIVATE_UPSTREAMS.",
    args: {
      endpoint: t.arg.string({ required: true }),
      apiVersion: t.arg.string({ required: true }),
      orgId: t.arg.id(),
      deployments: t.arg({
        type: [AzureDeploymentInput],
        description: "Replaces the deployment → model map used for pricing (an empty list clears it); left out, the map is kept.",
      }),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      if (!isApiVersion(args.apiVersion)) throw badInput(`"${args.apiVersion.slice(0, 40)}" is not an Azure api-version (e.g. 2024-10-21 or 2024-12-01-preview).`);
      const checked = await checkEndpoint(args.endpoint, ctx.deps.allowPrivateUpstreams);
      if (!checked.ok) throw badInput(`Endpoint refused: ${checked.error.reason}.`);
      const given = args.deployments?.map((d) => ({ deployment: d.deployment, model: d.model }));
      const problem = given && deploymentsProblem(given);
      if (problem) throw badInput(problem);
      const azure = { endpoint: checked.value, apiVersion: args.apiVersion };
      await setAzureSettings(ctx.deps.db, orgId, azure, given);
      // this process's cached keys and prices carry the old settings; other replicas see the change within their reload
      ctx.deps.auth.invalidate();
      await ctx.deps.priceBooks.refresh();
      const deployments = given ?? parseDeployments((await ctx.loaders.org.load(orgId))?.azure_deployments ?? null);
      return { azure: { ...azure, deployments } };
    },
  }),
);
