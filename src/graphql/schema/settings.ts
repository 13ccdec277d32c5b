/** Org settings: the Azure OpenAI endpoint and its deployment map. */
import { builder } from "../builder.ts";
import type { AzureDeployment as DeploymentShape } from "../../pricing/price-book.ts";
import { type AzureSettings as AzureShape, parseDeployments, setAzureSettings } from "../../db/orgs.ts";
import { orgScope } from "../scope.ts";
import { badInput } from "../errors.ts";
import { deploymentsProblem } from "../../pricing/price-input.ts";
import { checkEndpoint, isApiVersion } from "../../egress/azure-endpoint.ts";

export const AzureDeploymentInput = builder.inputType("AzureDeploymentInput", {
  description: "An Azure deployment and the model it runs.",
  fields: (t) => ({
    deployment: t.string({ required: true }),
    model: t.string({ required: true }),
  }),
});

export const AzureDeployment = builder.objectRef<DeploymentShape>("AzureDeployment").implement({
  description: "An Azure deployment and the model it runs: prices its calls when the response names no model.",
  fields: (t) => ({
    deployment: t.exposeString("deployment"),
    model: t.exposeString("model", { description: "A model id as the registry or the org's prices know it, e.g. gpt-4o-2024-08-06." }),
  }),
});

export const AzureSettings = builder.objectRef<AzureShape & { deployments: DeploymentShape[] }>("AzureSettings").implement({
  fields: (t) => ({
    endpoint: t.exposeString("endpoint"),
    apiVersion: t.exposeString("apiVersion"),
    deployments: t.expose("deployments", {
      type: [AzureDeployment],
      description: "Deployment → model, for pricing calls whose response names no model (the response's model comes first).",
    }),
  }),
});

export const Settings = builder.objectRef<{ azure: (AzureShape & { deployments: DeploymentShape[] }) | null }>("Settings").implement({
  description: "An org's settings.",
  fields: (t) => ({
    azure: t.expose("azure", { type: AzureSettings, nullable: true, description: "Azure OpenAI, when configured." }),
  }),
});

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
