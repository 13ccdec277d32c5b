import { builder } from "../builder.ts";
import type { Recommendation as Shape } from "../../recommend/recommend.ts";
import { Confidence } from "./confidence.ts";
import { Provider } from "./provider.ts";
import { TaskShare } from "./task-share.ts";
import { Tier } from "./tier.ts";

export const Recommendation = builder.objectRef<Shape>("Recommendation").implement({
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
    monthlySavingsUsd: t.exposeFloat("monthlySavingsUsd", { description: "estimatedSavingsUsd scaled to 30 days." }),
    tasks: t.expose("tasks", { type: [TaskShare], description: "Tagged requests per task, most first; untagged requests are the rest of `requests`." }),
    reason: t.exposeString("reason", { description: "The evidence, in a sentence." }),
  }),
});
