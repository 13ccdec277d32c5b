import { builder } from "../builder.ts";
import type { UsagePoint as Shape } from "../../stats/reports.ts";

export const UsagePoint = builder.objectRef<Shape>("UsagePoint").implement({
  description: "Usage in one hour or UTC day (the first and last points cover only the part inside the period).",
  fields: (t) => ({
    start: t.expose("start", { type: "DateTime" }),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
    errors: t.exposeInt("errors"),
  }),
});
