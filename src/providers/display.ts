/** The providers as the dashboard shows them, in the registry's order: GraphQL enum value, name, colour. */
import { providers } from "./index.ts";
import { providerIds } from "./types.ts";

export const providerDisplay = providerIds.map((id) => ({ id, value: id.toUpperCase(), label: providers[id].label, colour: providers[id].colour }));
