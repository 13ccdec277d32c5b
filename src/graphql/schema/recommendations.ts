/** Recommendations: cheaper models for the org's traffic, with projected savings. */
import { builder } from "../builder.ts";
import { tiers } from "../../recommend/paths.ts";
import type { Recommendation as RecommendationShape, TaskShare as TaskShareShape, Unrecommended as UnrecommendedShape } from "../../recommend/recommend.ts";
import { Provider, PeriodInput } from "./common.ts";
import { periodArg } from "../period-arg.ts";
import { defaultRecommendationPreset, orgAssessment, orgRecommendations } from "../recommend.ts";
import { orgScope } from "../scope.ts";

export const Confidence = builder.enumType("Confidence", {
  description:
    "HIGH: at least 80% of the requests are tagged (X-Lectr-Task) with tasks the target handles well. HEURISTIC: judged from output length and error rate only, because the traffic is mostly untagged.",
  values: ["HEURISTIC", "HIGH"] as const,
});

export const Tier = builder.enumType("Tier", {
  description: "How big a step down a recommendation is: CONSERVATIVE one step within a generation (opus → sonnet), MODERATE to a smaller sibling (gpt-4o → gpt-4o-mini), AGGRESSIVE two steps (opus → haiku).",
  values: tiers,
});

export const TaskShare = builder.objectRef<TaskShareShape>("TaskShare").implement({
  description: "Requests tagged with one X-Lectr-Task.",
  fields: (t) => ({
    task: t.exposeString("task"),
    requests: t.exposeInt("requests"),
  }),
});

export const Recommendation = builder.objectRef<RecommendationShape>("Recommendation").implement({
  description: "A cheaper model of the same provider for one model's traffic, with what that traffic would have cost there.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    fromModel: t.exposeString("fromModel", { description: "The model as your requests named it." }),
    toModel: t.exposeString("toModel", { description: "The model a routing rule would send instead (applyRecommendation)." }),
    tier: t.expose("tier", { type: Tier }),
    confidence: t.expose("confidence", { type: Confidence }),
    requests: t.exposeInt("requests", { description: "Requests to fromModel in the period." }),
    currentCostUsd: t.exposeFloat("currentCostUsd", { description: "What they cost." }),
    projectedCostUsd: t.exposeFloat("projectedCostUsd", {
      description: "Their input and output tokens at toModel's prices. Cached input is counted at the full input price, so the saving is a lower bound.",
    }),
    estimatedSavingsUsd: t.exposeFloat("estimatedSavingsUsd", { description: "currentCostUsd − projectedCostUsd." }),
    monthlySavingsUsd: t.exposeFloat("monthlySavingsUsd", { description: "estimatedSavingsUsd scaled to 30 days, from any period (see projectedMonthlySavingsUsd)." }),
    projectedMonthlySavingsUsd: t.exposeFloat("projectedMonthlySavingsUsd", {
      nullable: true,
      description: "estimatedSavingsUsd scaled to 30 days when the period is at least 7 days long; null for shorter ones, where a month would be guessed from too little.",
    }),
    tasks: t.expose("tasks", { type: [TaskShare], description: "Tagged requests per task, most first; untagged requests are the rest of `requests`." }),
    reason: t.exposeString("reason", { description: "The evidence, in a sentence." }),
  }),
});

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

export const UnrecommendedModel = builder.objectRef<UnrecommendedShape>("UnrecommendedModel").implement({
  description: "A model used in the period that got no recommendation, and why not.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    model: t.exposeString("model"),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
    reason: t.exposeString("reason", { description: "Why no cheaper model is suggested, in a sentence." }),
  }),
});

builder.queryField("unrecommendedModels", (t) =>
  t.field({
    type: [UnrecommendedModel],
    description: "The models used in the period (default: the last 30 days) that got no recommendation, costliest first, each with the reason: your top spender is explained even when nothing fits.",
    args: { period: t.arg({ type: PeriodInput }), provider: t.arg({ type: Provider }), limit: t.arg.int({ description: "At most this many (default 10, at most 100)." }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now, defaultRecommendationPreset);
      const limit = Math.min(100, Math.max(1, args.limit ?? 10));
      return (await orgAssessment(ctx, orgId, period, args.provider)).unrecommended.slice(0, limit);
    },
  }),
);
