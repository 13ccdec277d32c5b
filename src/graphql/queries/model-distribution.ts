import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { ModelUsage } from "../types/model-usage.ts";
import { PeriodInput } from "../types/period-input.ts";
import { Provider } from "../types/provider.ts";
import { readUsage } from "../../db/usage.ts";
import { modelDistribution } from "../../stats/reports.ts";

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
