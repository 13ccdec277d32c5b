import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { CostBreakdown } from "../types/cost-breakdown.ts";
import { PeriodInput } from "../types/period-input.ts";
import { readUsage } from "../../db/usage.ts";
import { previousPeriod } from "../../stats/period.ts";
import { costBreakdown } from "../../stats/reports.ts";

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
