import { builder } from "../builder.ts";
import type { ModelUsage as Shape } from "../../stats/reports.ts";
import { Provider } from "./provider.ts";

export const ModelUsage = builder.objectRef<Shape>("ModelUsage").implement({
  description: "One model's traffic in the period (the model the request named; for Azure, the deployment).",
  fields: (t) => ({
    model: t.exposeString("model"),
    provider: t.expose("provider", { type: Provider }),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
    avgLatencyMs: t.exposeFloat("avgLatencyMs"),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", {
      nullable: true,
      description: "From a log-spaced histogram (5 buckets per decade): within a factor 1.26 of the exact value between 1 ms and 1000 s.",
    }),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
    errorRate: t.exposeFloat("errorRate", { description: "Provider errors / requests (0…1)." }),
    unpricedRequests: t.exposeInt("unpricedRequests", { description: "Requests whose model has no known price; their cost is not in costUsd." }),
    errors: t.exposeInt("errors", { description: "Provider errors: status ≥ 500, 429, upstream_timeout or upstream_unreachable." }),
  }),
});
