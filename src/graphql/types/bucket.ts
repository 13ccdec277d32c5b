import { builder } from "../builder.ts";

export const Bucket = builder.enumType("Bucket", {
  description: "The width of a usage series point: an hour, or a UTC day.",
  values: ["HOUR", "DAY"] as const,
});
