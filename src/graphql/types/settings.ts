import { builder } from "../builder.ts";
import type { AzureSettings as AzureShape } from "../../db/orgs.ts";
import type { AzureDeployment } from "../../pricing/price-book.ts";
import { AzureSettings } from "./azure-settings.ts";

export const Settings = builder.objectRef<{ azure: (AzureShape & { deployments: AzureDeployment[] }) | null }>("Settings").implement({
  description: "An org's settings.",
  fields: (t) => ({
    azure: t.expose("azure", { type: AzureSettings, nullable: true, description: "Azure OpenAI, when configured." }),
  }),
});
