import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput } from "../types/period-input.ts";
import { UnpricedModel } from "../types/unpriced-model.ts";
import { unpricedTotals } from "../../db/events.ts";
import { readUsage } from "../../db/usage.ts";
import { unpricedModels } from "../../stats/unpriced.ts";

builder.queryField("unpricedModels", (t) =>
  t.field({
    type: [UnpricedModel],
    description: "Models whose calls in the period had no known price, most unpriced requests first: exactly what the cost totals leave out.",
    args: { period: t.arg({ type: PeriodInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider", "model"] });
      // The rollups count unpriced requests but not their tokens: a model only partly unpriced is read from its events.
      const partly = rows.filter((r) => r.unpriced > 0 && r.unpriced < r.requests);
      const exact = await unpricedTotals(ctx.deps.db, { orgId, ...period, models: partly });
      return unpricedModels(rows, exact);
    },
  }),
);
