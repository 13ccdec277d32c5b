import { builder } from "../builder.ts";
import type { AzureSettings as Shape } from "../../db/orgs.ts";
import type { AzureDeployment as DeploymentShape } from "../../pricing/price-book.ts";
import { AzureDeployment } from "./azure-deployment.ts";

export const AzureSettings = builder.objectRef<Shape & { deployments: DeploymentShape[] }>("AzureSettings").implement({
  fields: (t) => ({
    endpoint: t.exposeString("endpoint"),
    apiVersion: t.exposeString("apiVersion"),
    deployments: t.expose("deployments", {
      type: [AzureDeployment],
      description: "Deployment → model, for pricing calls whose response names no model (the response's model comes first).",
    }),
  }),
});
