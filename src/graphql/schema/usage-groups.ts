/** Explore: usage grouped by up to two dimensions, the long tail folded into "other". */
import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { scannedOrg } from "../scan.ts";
import { EventFilter } from "./events.ts";
import { PeriodInput } from "./common.ts";
import { groupEvents, type EventDimension, type EventGroup } from "../../db/event-groups.ts";
export const UsageDimension = builder.enumType("UsageDimension", {
  description: "What usageGroups groups events by. KEY is the org key that sent them.",
  values: {
    PROVIDER: { value: "provider" },
    MODEL: { value: "model" },
    FEATURE: { value: "feature" },
    TASK: { value: "task" },
    KEY: { value: "key" },
    STATUS: { value: "status" },
  } as const satisfies Record<string, { value: EventDimension }>,
});

export const UsageGroup = builder.objectRef<EventGroup>("UsageGroup").implement({
  description: "Events summed over one group (or over all of them).",
  fields: (t) => ({
    keys: t.stringList({
      nullable: { list: false, items: true },
      description:
        "One per `by` dimension, in order, as EventFilter takes it (PROVIDER: the enum name; KEY: the key's id; STATUS: the HTTP status); null: the events had none (untagged).",
      resolve: (g) => g.values,
    }),
    labels: t.stringList({
      nullable: { list: false, items: true },
      description: "keys as shown to people: a KEY is its prefix.",
      resolve: (g) => g.labels,
    }),
    requests: t.exposeInt("requests"),
    errors: t.int({ description: "Provider errors: status ≥ 500, 429, upstream_timeout or upstream_unreachable.", resolve: (g) => g.errors }),
    errorRate: t.float({ description: "errors / requests (0…1); 0 without requests.", resolve: (g) => (g.requests === 0 ? 0 : g.errors / g.requests) }),
    unpricedRequests: t.int({ description: "Requests whose model has no known price; their cost is not in costUsd.", resolve: (g) => g.unpriced }),
    costUsd: t.exposeFloat("cost_usd"),
    inputTokens: t.exposeFloat("input_tokens"),
    cachedInputTokens: t.exposeFloat("cached_input_tokens", { description: "Cache reads, a part of inputTokens." }),
    outputTokens: t.exposeFloat("output_tokens"),
    reasoningTokens: t.exposeFloat("reasoning_tokens", { description: "A part of outputTokens." }),
    avgLatencyMs: t.float({ nullable: true, description: "Null without requests.", resolve: (g) => (g.requests === 0 ? null : g.latency_sum_ms / g.requests) }),
  }),
});

export const UsageGroups = builder
  .objectRef<{ from: number; to: number; groups: EventGroup[]; other: EventGroup | null; total: EventGroup }>("UsageGroups")
  .implement({
    description: "A period's events per group: the largest groups, the rest folded into one, and the total.",
    fields: (t) => ({
      from: t.expose("from", { type: "DateTime" }),
      to: t.expose("to", { type: "DateTime" }),
      groups: t.field({ type: [UsageGroup], description: "At most `limit` groups, costliest first, then most requests.", resolve: (g) => g.groups }),
      other: t.field({ type: UsageGroup, nullable: true, description: "Every group past `limit`, summed (keys are null); null when none is left.", resolve: (g) => g.other }),
      total: t.field({ type: UsageGroup, description: "Every event in the period and filter (keys empty).", resolve: (g) => g.total }),
    }),
  });

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
    // one pass over the period's events for the total, one more for the groups
    complexity: (args, ctx) => {
      const org = scannedOrg(ctx.principal, args.orgId);
      return { field: 1, rows: org === undefined ? 0 : ctx.scan.rows(org, args.period) * ((args.by ?? []).length > 0 ? 2 : 1) };
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
