import { builder } from "../builder.ts";
import { Provider } from "./provider.ts";

export const RoutingRuleInput = builder.inputType("RoutingRuleInput", {
  description:
    "A rule must match on at least one of feature, task or model. Creating, what is left out matches anything, keeps the provider, routes 100% and is enabled. Updating, what is left out keeps its value and null clears a match field; percent and enabled are kept unless given.",
  fields: (t) => ({
    feature: t.string(),
    task: t.string({ description: "One of the X-Lectr-Task values." }),
    model: t.string({ description: 'An exact model id, or a prefix ending in * ("gpt-4o*"; "*" matches every model).' }),
    provider: t.field({ type: Provider }),
    targetModel: t.string({ required: true }),
    targetProvider: t.field({ type: Provider }),
    percent: t.int({ description: "1–100; default 100." }),
    enabled: t.boolean({ description: "Default true." }),
  }),
});
