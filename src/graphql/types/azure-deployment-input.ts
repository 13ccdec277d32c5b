import { builder } from "../builder.ts";

export const AzureDeploymentInput = builder.inputType("AzureDeploymentInput", {
  description: "An Azure deployment and the model it runs.",
  fields: (t) => ({
    deployment: t.string({ required: true }),
    model: t.string({ required: true }),
  }),
});
