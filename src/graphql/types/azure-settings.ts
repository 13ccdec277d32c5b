import { builder } from "../builder.ts";
import type { AzureSettings as Shape } from "../../db/orgs.ts";

export const AzureSettings = builder.objectRef<Shape>("AzureSettings").implement({
  fields: (t) => ({
    endpoint: t.exposeString("endpoint"),
    apiVersion: t.exposeString("apiVersion"),
  }),
});
