/** Models: spend, tokens and latency per model. */
import { builder } from "../builder.ts";
import { type ModelUsage as ModelUsageShape, modelDistribution } from "../../stats/reports.ts";
import { Provider, PeriodInput } from "./common.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { readUsage } from "../../db/usage.ts";

export const ModelUsage = builder.objectRef<ModelUsageShape>("ModelUsage").implement({
  description: "One model's traffic in the period (the model the request named; for Azure, the deployment).",
  fields: (t) => ({
    model: t.exposeString("model"),
    provider: t.expose("provider", { type: Provider }),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
    avgLatencyMs: t.exposeFloat("avgLatencyMs"),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", {
      nullable: true,
      description: "From a log-spaced histogram (5 buckets per decade): within a factor 1.26 of the exact value between 1 ms and 1000 s.",
    }),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
    errorRate: t.exposeFloat("errorRate", { description: "Provider errors / requests (0…1)." }),
    unpricedRequests: t.exposeInt("unpricedRequests", { description: "Requests whose model has no known price; their cost is not in costUsd." }),
    errors: t.exposeInt("errors", { description: "Provider errors: status ≥ 500, 429, upstream_timeout or upstream_unreachable." }),
  }),
});

builder.queryField("modelDistribution", (t) =>
  t.field({
    type: [ModelUsage],
    description: "Traffic per model in the period, most requests first.",
    args: { period: t.arg({ type: PeriodInput, required: true }), provider: t.arg({ type: Provider }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider", "model"], provider: args.provider, histogram: true });
      return modelDistribution(rows);
    },
  }),
);
