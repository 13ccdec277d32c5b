import { builder } from "../builder.ts";
import type { SliceStats } from "../../routing/stats.ts";

export const RoutingSlice = builder.objectRef<SliceStats>("RoutingSlice").implement({
  description: "Requests a routing rule matched, on one side of its split.",
  fields: (t) => ({
    requests: t.exposeInt("requests"),
    errors: t.exposeInt("errors", { description: "Provider errors: status ≥ 500, 429, upstream_timeout or upstream_unreachable." }),
    errorRate: t.exposeFloat("errorRate", { description: "errors / requests (0…1)." }),
    costUsd: t.exposeFloat("costUsd"),
    costPerRequestUsd: t.exposeFloat("costPerRequestUsd", { nullable: true, description: "costUsd over the requests whose cost is known; null when none is." }),
    avgLatencyMs: t.exposeFloat("avgLatencyMs", { nullable: true }),
    p95LatencyMs: t.exposeFloat("p95LatencyMs", { nullable: true, description: "From the latency histogram, as in ModelUsage." }),
  }),
});
