import { builder } from "../builder.ts";
import type { AzureDeployment as Shape } from "../../pricing/price-book.ts";

export const AzureDeployment = builder.objectRef<Shape>("AzureDeployment").implement({
  description: "An Azure deployment and the model it runs: prices its calls when the response names no model.",
  fields: (t) => ({
    deployment: t.exposeString("deployment"),
    model: t.exposeString("model", { description: "A model id as the registry or the org's prices know it, e.g. gpt-4o-2024-08-06." }),
  }),
});
