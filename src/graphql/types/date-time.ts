import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { parseDateTime } from "../../lib/date-time.ts";

export const DateTime = builder.scalarType("DateTime", {
  description:
    "An instant. In: ISO 8601 with a time zone (2026-05-01T12:00:00Z), a date alone (UTC midnight), or epoch milliseconds. Out: ISO 8601 in UTC with milliseconds.",
  serialize: (ms) => new Date(ms).toISOString(),
  parseValue: (value) => {
    const parsed = parseDateTime(value);
    if (!parsed.ok) throw badInput(`Invalid DateTime: ${parsed.error}.`);
    return parsed.value;
  },
});
