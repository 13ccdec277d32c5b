import { builder } from "../builder.ts";
import type { AzureSettings as AzureShape } from "../../db/orgs.ts";
import { AzureSettings } from "./azure-settings.ts";

export const Settings = builder.objectRef<{ azure: AzureShape | null }>("Settings").implement({
  description: "An org's settings.",
  fields: (t) => ({
    azure: t.expose("azure", { type: AzureSettings, nullable: true, description: "Azure OpenAI, when configured." }),
  }),
});
