import { builder } from "../builder.ts";
import type { ProviderCost as Shape } from "../../stats/reports.ts";
import { Provider } from "./provider.ts";

export const ProviderCost = builder.objectRef<Shape>("ProviderCost").implement({
  description: "One provider's spend in the period and the previous one.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    costUsd: t.exposeFloat("costUsd"),
    previousCostUsd: t.exposeFloat("previousCostUsd"),
    changePct: t.exposeFloat("changePct", { nullable: true, description: "Percent change from the previous period (25 = +25 %); null when that was 0." }),
    requests: t.exposeInt("requests"),
    previousRequests: t.exposeInt("previousRequests"),
    unpricedRequests: t.exposeInt("unpricedRequests", { description: "Requests in the period whose model has no known price: costUsd leaves them out." }),
  }),
});
