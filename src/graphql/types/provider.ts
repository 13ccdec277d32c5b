import { builder } from "../builder.ts";
import { providerIds, type ProviderId } from "../../providers/types.ts";

/** One value per provider in the registry, upper-cased (OPENAI → "openai"). */
const values = Object.fromEntries(providerIds.map((id) => [id.toUpperCase(), { value: id }])) as Record<Uppercase<ProviderId>, { value: ProviderId }>;

export const Provider = builder.enumType("Provider", {
  description: "The upstream a request went to.",
  values,
});
