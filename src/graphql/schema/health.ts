/** Provider health: error rates, latency and status counts per provider. */
import { builder } from "../builder.ts";
import { type ProviderHealth as ProviderHealthShape, providerHealth } from "../../stats/reports.ts";
import { Provider, PeriodInput } from "./common.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { readUsage } from "../../db/usage.ts";

export const StatusCount = builder.objectRef<{ status: number; count: number }>("StatusCount").implement({
  description: "Requests answered with one HTTP status.",
  fields: (t) => ({
    status: t.exposeInt("status"),
    count: t.exposeInt("count"),
  }),
});

export const ProviderHealth = builder.objectRef<ProviderHealthShape>("ProviderHealth").implement({
  description:
    "A provider's health in the period. Errors are the provider's: status ≥ 500, 429, or Lectr could not reach or hear from it (upstream_timeout, upstream_unreachable); other 4xx are counted in statusCounts only.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    requests: t.exposeInt("requests"),
    errors: t.exposeInt("errors"),
    errorRate: t.exposeFloat("errorRate", { description: "errors / requests (0…1); 0 without requests." }),
    avgLatencyMs: t.exposeFloat("avgLatencyMs", { nullable: true, description: "Null without requests." }),
    p50LatencyMs: t.exposeFloat("p50LatencyMs", { nullable: true, description: "From the latency histogram, as ModelUsage.p95LatencyMs; null without requests." }),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", { nullable: true, description: "From the latency histogram, as ModelUsage.p95LatencyMs; null without requests." }),
    lastErrorAt: t.expose("lastErrorAt", { type: "DateTime", nullable: true, description: "The last error in the period." }),
    statusCounts: t.expose("statusCounts", { type: [StatusCount], description: "Requests per HTTP status, by status." }),
  }),
});

builder.queryField("providerHealth", (t) =>
  t.field({
    type: [ProviderHealth],
    description: "Every provider's errors, latency and status counts in the period (default: the last hour), in a fixed order.",
    args: { period: t.arg({ type: PeriodInput }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now, "LAST_HOUR");
      const { rows, statuses } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider"], statuses: true, histogram: true });
      return providerHealth(rows, statuses);
    },
  }),
);
