import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { ruleInScope } from "../rule-scope.ts";
import { PeriodInput } from "../types/period-input.ts";
import { RoutingRuleStats } from "../types/routing-rule-stats.ts";
import { ruleSliceCounts } from "../../db/events.ts";
import { ruleOutcome } from "../../routing/stats.ts";

builder.queryField("routingRuleStats", (t) =>
  t.field({
    type: RoutingRuleStats,
    description: "A routing rule's outcome in the period (default: the last 30 days): the requests it routed against its control group, the ones it matched and sent as asked.",
    args: { id: t.arg.id({ required: true }), period: t.arg({ type: PeriodInput }) },
    resolve: async (_root, args, ctx) => {
      const rule = await ruleInScope(ctx, args.id);
      const period = periodArg(args.period, ctx.now, "LAST_30_DAYS");
      const counts = await ruleSliceCounts(ctx.deps.db, { orgId: rule.org_id, ruleId: rule.id, ...period });
      return { rule, ...period, ...ruleOutcome(counts) };
    },
  }),
);
