import { builder } from "../builder.ts";
import { PeriodPreset } from "./period-preset.ts";

export const PeriodInput = builder.inputType("PeriodInput", {
  description:
    "Exactly one of `preset`, or `from` and `to`. A period is [from, to): from included, to excluded, at most 400 days. The previous period has the same length and ends at `from`.",
  fields: (t) => ({
    preset: t.field({ type: PeriodPreset }),
    from: t.field({ type: "DateTime" }),
    to: t.field({ type: "DateTime" }),
  }),
});
