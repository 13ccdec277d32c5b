import { builder } from "../builder.ts";
import type { EventDimension, EventGroup } from "../../db/events.ts";

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
