import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { defaultRecommendationPreset, orgRecommendations } from "../recommend.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput } from "../types/period-input.ts";
import { Provider } from "../types/provider.ts";
import { Recommendation } from "../types/recommendation.ts";

builder.queryField("recommendations", (t) =>
  t.field({
    type: [Recommendation],
    description:
      "Cheaper models of the same provider for the models used in the period (default: the last 30 days), largest saving first. Never another provider's model, never a model with a higher error rate than the one it replaces in your own traffic.",
    args: { period: t.arg({ type: PeriodInput }), provider: t.arg({ type: Provider }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now, defaultRecommendationPreset);
      return orgRecommendations(ctx, orgId, period, args.provider);
    },
  }),
);
