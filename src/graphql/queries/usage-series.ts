import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { Bucket } from "../types/bucket.ts";
import { PeriodInput } from "../types/period-input.ts";
import { Provider } from "../types/provider.ts";
import { UsagePoint } from "../types/usage-point.ts";
import { readUsage } from "../../db/usage.ts";
import { dayMs, hourMs } from "../../stats/period.ts";
import { usageSeries } from "../../stats/reports.ts";

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
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const slotMs = args.bucket === "HOUR" ? hourMs : dayMs;
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["slot"], slotMs, provider: args.provider, model: args.model });
      return usageSeries(period, slotMs, rows);
    },
  }),
);
