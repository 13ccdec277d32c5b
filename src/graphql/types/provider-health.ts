import { builder } from "../builder.ts";
import type { ProviderHealth as Shape } from "../../stats/reports.ts";
import { Provider } from "./provider.ts";
import { StatusCount } from "./status-count.ts";

export const ProviderHealth = builder.objectRef<Shape>("ProviderHealth").implement({
  description:
    "A provider's health in the period. Errors are the provider's: status ≥ 500, 429, or Lectr could not reach or hear from it (upstream_timeout, upstream_unreachable); other 4xx are counted in statusCounts only.",
  fields: (t) => ({
    provider: t.expose("provider", { type: Provider }),
    requests: t.exposeInt("requests"),
    errors: t.exposeInt("errors"),
    errorRate: t.exposeFloat("errorRate", { description: "errors / requests (0…1); 0 without requests." }),
    avgLatencyMs: t.exposeFloat("avgLatencyMs", { nullable: true, description: "Null without requests." }),
    p50LatencyMs: t.exposeFloat("p50LatencyMs", { nullable: true, description: "From the latency histogram, as ModelUsage.p95LatencyMs; null without requests." }),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", { nullable: true, description: "From the latency histogram, as ModelUsage.p95LatencyMs; null without requests." }),
    lastErrorAt: t.expose("lastErrorAt", { type: "DateTime", nullable: true, description: "The last error in the period." }),
    statusCounts: t.expose("statusCounts", { type: [StatusCount], description: "Requests per HTTP status, by status." }),
  }),
});
