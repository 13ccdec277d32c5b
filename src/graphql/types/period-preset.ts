import { builder } from "../builder.ts";

export const PeriodPreset = builder.enumType("PeriodPreset", {
  description: "A period ending now.",
  values: ["LAST_HOUR", "LAST_24_HOURS", "LAST_7_DAYS", "LAST_30_DAYS", "LAST_90_DAYS"] as const,
});
