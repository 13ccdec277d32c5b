import { builder } from "../builder.ts";
import type { CostBreakdown as Shape } from "../../stats/reports.ts";
import { ProviderCost } from "./provider-cost.ts";

export const CostBreakdown = builder.objectRef<Shape>("CostBreakdown").implement({
  description: "Spend in a period against the previous period of the same length.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    previousFrom: t.expose("previousFrom", { type: "DateTime" }),
    previousTo: t.expose("previousTo", { type: "DateTime" }),
    totalCostUsd: t.exposeFloat("totalCostUsd"),
    previousTotalCostUsd: t.exposeFloat("previousTotalCostUsd"),
    changePct: t.exposeFloat("changePct", { nullable: true, description: "Percent change from the previous period (25 = +25 %); null when that was 0." }),
    requests: t.exposeInt("requests"),
    previousRequests: t.exposeInt("previousRequests"),
    unpricedRequests: t.exposeInt("unpricedRequests", {
      description: "Requests in the period whose model has no known price: totalCostUsd leaves them out (unpricedModels lists them).",
    }),
    providers: t.expose("providers", { type: [ProviderCost], description: "Every provider with traffic in either period, highest current spend first." }),
  }),
});
