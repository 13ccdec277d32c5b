/** What changed: spend per provider, model, feature or key in a period against another. */
import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput } from "./common.ts";
import { UsageDimension } from "./usage-groups.ts";
import { groupEvents } from "../../db/event-groups.ts";
import { rankChanges, type GroupSpend, type SpendChange as SpendChangeShape } from "../../stats/changes.ts";
import { previousPeriod, type Period } from "../../stats/period.ts";
import { readUsage } from "../../db/usage.ts";
import type { EventDimension } from "../../db/event-groups.ts";
import type { GraphqlContext } from "../context.ts";

export const SpendChange = builder.objectRef<SpendChangeShape>("SpendChange").implement({
  description: "One group's spend in the period against the other period.",
  fields: (t) => ({
    key: t.exposeString("value", { nullable: true, description: "As EventFilter takes it (PROVIDER: the enum name; KEY: the key's id); null: untagged." }),
    label: t.exposeString("label", { nullable: true, description: "As shown to people: a KEY is its name or prefix." }),
    costUsd: t.exposeFloat("costUsd"),
    previousCostUsd: t.exposeFloat("previousCostUsd"),
    changeUsd: t.exposeFloat("changeUsd", { description: "costUsd − previousCostUsd." }),
    changePct: t.exposeFloat("changePct", { nullable: true, description: "Percent change (25 = +25 %); null when the other period spent nothing." }),
    requests: t.exposeInt("requests"),
    previousRequests: t.exposeInt("previousRequests"),
  }),
});

export const SpendChanges = builder.objectRef<{ from: number; to: number; previousFrom: number; previousTo: number; changes: SpendChangeShape[] }>("SpendChanges").implement({
  description: "The groups whose spend changed most between two periods.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    previousFrom: t.expose("previousFrom", { type: "DateTime" }),
    previousTo: t.expose("previousTo", { type: "DateTime" }),
    changes: t.expose("changes", { type: [SpendChange], description: "Largest change in dollars (up or down) first." }),
  }),
});

/** Groups read per period: enough that a group big in one period and gone in the other is still seen. */
const groupsPerPeriod = 200;
const maxLimit = 100;

builder.queryField("spendChanges", (t) =>
  t.field({
    type: SpendChanges,
    description:
      "Spend per provider, model, feature, task or key in `period` against `previous` (default: the period of the same length before it), ranked by the size of the change. PROVIDER, MODEL, FEATURE and TASK are read from the hourly rollups; KEY and STATUS from the events, like usageGroups.",
    args: {
      period: t.arg({ type: PeriodInput, required: true }),
      previous: t.arg({ type: PeriodInput, description: "The period to compare with; default: the same length, ending where `period` starts." }),
      by: t.arg({ type: UsageDimension, required: true }),
      limit: t.arg.int({ defaultValue: 20, description: `1–${maxLimit}.` }),
      orgId: t.arg.id(),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const previous = args.previous ? periodArg(args.previous, ctx.now) : previousPeriod(period);
      const limit = args.limit ?? 20;
      if (limit < 1 || limit > maxLimit) throw badInput(`limit must be between 1 and ${maxLimit}.`);
      const [now, before] = await spendGroups(ctx, orgId, args.by, period, previous);
      const upper = (v: string | null) => (args.by === "provider" && v !== null ? v.toUpperCase() : v);
      const shown = (gs: GroupSpend[]) => gs.map((g) => ({ ...g, values: g.values.map(upper) }));
      return { from: period.from, to: period.to, previousFrom: previous.from, previousTo: previous.to, changes: rankChanges(shown(now), shown(before), limit) };
    },
  }),
);

/** Dimensions the hourly rollups keep: answered from them, whatever the event count. */
const rollupDimensions = ["provider", "model", "feature", "task"] as const;
type RollupDimension = (typeof rollupDimensions)[number];
const inRollups = (d: EventDimension): d is RollupDimension => (rollupDimensions as readonly string[]).includes(d);

/** Spend per group in each period: from the rollups where they keep the dimension, else from the events. */
async function spendGroups(ctx: GraphqlContext, orgId: string, by: EventDimension, period: Period, previous: Period): Promise<[GroupSpend[], GroupSpend[]]> {
  if (inRollups(by)) {
    const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period, previous], groupBy: ["part", by] });
    const part = (n: number) =>
      rows
        .filter((r) => r.part === n)
        .map((r) => {
          const value = r[by] || null;
          return { values: [value], labels: [value], requests: r.requests, cost_usd: r.costUsd };
        });
    return [part(0), part(1)];
  }
  const read = (p: Period) => groupEvents(ctx.deps.db, { orgId, by: [by], filter: { from: p.from, to: p.to }, limit: groupsPerPeriod });
  const [now, before] = await Promise.all([read(period), read(previous)]);
  return [now.groups, before.groups];
}
