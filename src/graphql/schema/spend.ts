/** Spend: what the org paid in a period against the one before, by provider. */
import { builder } from "../builder.ts";
import { type CostBreakdown as CostBreakdownShape, type ProviderCost as ProviderCostShape, costBreakdown } from "../../stats/reports.ts";
import { Provider, PeriodInput } from "./common.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { readUsage } from "../../db/usage.ts";
import { previousPeriod } from "../../stats/period.ts";

export const ProviderCost = builder.objectRef<ProviderCostShape>("ProviderCost").implement({
  description: "One provider's spend in the period and the previous one.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    costUsd: t.exposeFloat("costUsd"),
    previousCostUsd: t.exposeFloat("previousCostUsd"),
    changePct: t.exposeFloat("changePct", { nullable: true, description: "Percent change from the previous period (25 = +25 %); null when that was 0." }),
    requests: t.exposeInt("requests"),
    previousRequests: t.exposeInt("previousRequests"),
    unpricedRequests: t.exposeInt("unpricedRequests", { description: "Requests in the period whose model has no known price: costUsd leaves them out." }),
    changeUsd: t.float({ description: "costUsd − previousCostUsd.", resolve: (p) => p.costUsd - p.previousCostUsd }),
  }),
});

export const CostBreakdown = builder.objectRef<CostBreakdownShape>("CostBreakdown").implement({
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

builder.queryField("costBreakdown", (t) =>
  t.field({
    type: CostBreakdown,
    description: "Spend per provider in the period against the previous period of the same length.",
    args: { period: t.arg({ type: PeriodInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const current = periodArg(args.period, ctx.now);
      const previous = previousPeriod(current);
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [current, previous], groupBy: ["part", "provider"] });
      return costBreakdown(current, previous, rows);
    },
  }),
);
