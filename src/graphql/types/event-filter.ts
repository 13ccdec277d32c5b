import { builder } from "../builder.ts";
import { Provider } from "./provider.ts";

export const EventFilter = builder.inputType("EventFilter", {
  description: "Every field given must match (AND).",
  fields: (t) => ({
    id: t.id({ description: "One request, by its id (X-Lectr-Request-Id)." }),
    keyId: t.id({ description: "Sent with this org key (ApiKey.id)." }),
    from: t.field({ type: "DateTime", description: "Recorded at or after." }),
    to: t.field({ type: "DateTime", description: "Recorded before." }),
    provider: t.field({ type: Provider }),
    model: t.string({ description: "The model the request named, exactly." }),
    feature: t.string(),
    task: t.string(),
    status: t.int(),
    errorsOnly: t.boolean({ description: "true: provider errors only (status ≥ 500, 429, upstream_timeout, upstream_unreachable). false or absent: no filter." }),
    providerUnknown: t.boolean(),
  }),
});
