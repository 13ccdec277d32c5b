import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { EventFilter } from "../types/event-filter.ts";
import { PeriodInput } from "../types/period-input.ts";
import { UsageDimension, UsageGroups } from "../types/usage-group.ts";
import { groupEvents, type EventGroup } from "../../db/events.ts";

const maxLimit = 200;

builder.queryField("usageGroups", (t) =>
  t.field({
    type: UsageGroups,
    description:
      "Requests, errors, spend and tokens (input, cached, output, reasoning) in the period, grouped by none, one or two dimensions; the long tail past `limit` folded into `other`. Reads the events themselves, so wide periods over heavy traffic take longer than the rollup-backed queries.",
    args: {
      period: t.arg({ type: PeriodInput, required: true }),
      by: t.arg({ type: [UsageDimension], required: true, defaultValue: [], description: "At most two, distinct; empty: the total only." }),
      filter: t.arg({ type: EventFilter, description: "Its from/to, if given, narrow the period further." }),
      limit: t.arg.int({ defaultValue: 20, description: `1–${maxLimit}.` }),
      orgId: t.arg.id(),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const by = args.by ?? [];
      if (by.length > 2 || new Set(by).size !== by.length) throw badInput("by takes at most two distinct dimensions.");
      const limit = args.limit ?? 20;
      if (limit < 1 || limit > maxLimit) throw badInput(`limit must be between 1 and ${maxLimit}.`);
      const filter = args.filter ?? {};
      const from = Math.max(period.from, filter.from ?? period.from);
      const to = Math.min(period.to, filter.to ?? period.to);
      const { groups, total } = await groupEvents(ctx.deps.db, { orgId, by, filter: { ...filter, from, to }, limit });
      const shown = groups.map((g) => ({ ...g, values: g.values.map((v, i) => (by[i] === "provider" && v !== null ? v.toUpperCase() : v)) }));
      return { from: period.from, to: period.to, groups: shown, other: rest(total, groups, by.length), total };
    },
  }),
);

/** The total minus the groups shown; null when they are everything. */
function rest(total: EventGroup, shown: EventGroup[], dims: number): EventGroup | null {
  const requests = total.requests - shown.reduce((n, g) => n + g.requests, 0);
  if (dims === 0 || requests === 0) return null;
  const minus = (k: Exclude<keyof EventGroup, "values" | "labels">) => total[k] - shown.reduce((n, g) => n + g[k], 0);
  const none = Array.from({ length: dims }, () => null);
  return {
    values: none,
    labels: none,
    requests,
    errors: minus("errors"),
    unpriced: minus("unpriced"),
    cost_usd: minus("cost_usd"),
    input_tokens: minus("input_tokens"),
    cached_input_tokens: minus("cached_input_tokens"),
    output_tokens: minus("output_tokens"),
    reasoning_tokens: minus("reasoning_tokens"),
    latency_sum_ms: minus("latency_sum_ms"),
  };
}
