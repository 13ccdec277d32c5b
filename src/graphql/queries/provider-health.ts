import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput } from "../types/period-input.ts";
import { ProviderHealth } from "../types/provider-health.ts";
import { readUsage } from "../../db/usage.ts";
import { providerHealth } from "../../stats/reports.ts";

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
