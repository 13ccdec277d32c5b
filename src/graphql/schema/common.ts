/** Shared by every domain: the DateTime scalar, the Provider enum, periods, and the Query and Mutation roots (with the scopes every field asks). */
import { builder } from "../builder.ts";
import { providerIds, type ProviderId } from "../../providers/types.ts";
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

export const Provider = builder.enumType("Provider", {
  description: "The upstream a request went to.",
  // one value per provider in the registry, upper-cased (OPENAI → "openai")
  values: Object.fromEntries(providerIds.map((id) => [id.toUpperCase(), { value: id }])) as Record<Uppercase<ProviderId>, { value: ProviderId }>,
});

export const PeriodPreset = builder.enumType("PeriodPreset", {
  description: "A period ending now.",
  values: ["LAST_HOUR", "LAST_24_HOURS", "LAST_7_DAYS", "LAST_30_DAYS", "LAST_90_DAYS"] as const,
});

export const PeriodInput = builder.inputType("PeriodInput", {
  description:
    "Exactly one of `preset`, or `from` and `to`. A period is [from, to): from included, to excluded, at most 400 days. The previous period has the same length and ends at `from`.",
  fields: (t) => ({
    preset: t.field({ type: PeriodPreset }),
    from: t.field({ type: "DateTime" }),
    to: t.field({ type: "DateTime" }),
  }),
});

builder.queryType({
  description: "Org-scoped fields answer for the org of the X-Lectr-Key; with the admin token, pass orgId.",
  // every query needs a key with the read or admin scope (or the admin token)
  authScopes: { orgRead: true },
});

// every mutation needs a key with the admin scope (or the admin token)
builder.mutationType({ authScopes: { orgChange: true } });
