/** Usage over time: one point per hour or day. */
import { Kind, type GraphQLResolveInfo } from "graphql";
import { builder } from "../builder.ts";
import { type UsagePoint as UsagePointShape, usageSeries } from "../../stats/reports.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput, Provider } from "./common.ts";
import { readUsage } from "../../db/usage.ts";
import { ceilTo, dayMs, floorTo, hourMs, resolvePeriod, type PeriodInput as PeriodShape } from "../../stats/period.ts";

export const Bucket = builder.enumType("Bucket", {
  description: "The width of a usage series point: an hour, or a UTC day.",
  values: ["HOUR", "DAY"] as const,
});

export const UsagePoint = builder.objectRef<UsagePointShape>("UsagePoint").implement({
  description: "Usage in one hour or UTC day (the first and last points cover only the part inside the period).",
  fields: (t) => ({
    start: t.expose("start", { type: "DateTime" }),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
    errors: t.exposeInt("errors"),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", {
      nullable: true,
      description: "From the latency histogram, as ModelUsage.p95LatencyMs (within −21 % … +26 % of the exact value); null without requests.",
    }),
  }),
});

/** Whether the selection may ask for a field: fragments count as yes, so the answer is never short of it. */
function mayAsk(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((n) => n.selectionSet?.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === field) ?? false);
}

/** Points the series will hold; an invalid period counts as one (the resolver refuses it). */
function bucketCount(input: PeriodShape, bucket: "HOUR" | "DAY", now: number): number {
  const period = resolvePeriod(input, now);
  if (!period.ok) return 1;
  const slotMs = bucket === "HOUR" ? hourMs : dayMs;
  return Math.max(1, Math.ceil((ceilTo(period.value.to, slotMs) - floorTo(period.value.from, slotMs)) / slotMs));
}

builder.queryField("usageSeries", (t) =>
  t.field({
    type: [UsagePoint],
    description: "Usage per hour or UTC day over the period, one point per bucket (zeros included), oldest first.",
    args: {
      period: t.arg({ type: PeriodInput, required: true }),
      bucket: t.arg({ type: Bucket, required: true }),
      provider: t.arg({ type: Provider }),
      model: t.arg.string(),
      orgId: t.arg.id(),
    },
    // one point per bucket: a year of hours costs 24 times a year of days
    complexity: (args, ctx) => ({ field: 1, multiplier: bucketCount(args.period, args.bucket, ctx.now) }),
    resolve: async (_root, args, ctx, info) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const slotMs = args.bucket === "HOUR" ? hourMs : dayMs;
      // the histogram's 32 sums are read only for the percentile
      const histogram = mayAsk(info, "p95LatencyMs");
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["slot"], slotMs, provider: args.provider, model: args.model, histogram });
      return usageSeries(period, slotMs, rows);
    },
  }),
);
