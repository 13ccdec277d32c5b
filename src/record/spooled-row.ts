/**
 * A spool line is read back from disk, so it is checked like any input
 * before it reaches the database: the shape of an event, values within
 * bounds, and (by the writer, against the database) an org and key that
 * exist and belong together. A line that fails is quarantined, never retried.
 */
import type { EventRow } from "../db/tables.ts";

/** No single call costs this much: a larger figure is a forged or broken line. */
export const maxSpooledCostUsd = 1_000_000;
const maxTokens = 1e10;
/** Lectr clips what it records to 256 characters; room to spare, a bound all the same. */
const maxText = 1024;
const maxLatencyMs = 7 * 24 * 3600 * 1000;
/** Events are recorded as they happen; one from the future (beyond clock skew) is not one Lectr wrote. */
const maxFutureMs = 24 * 3600 * 1000;

type Check = (v: unknown) => boolean;
const text: Check = (v) => typeof v === "string" && v.length > 0 && v.length <= maxText;
const optText: Check = (v) => v == null || (typeof v === "string" && v.length <= maxText);
const bool: Check = (v) => typeof v === "boolean";
const count: Check = (v) => v == null || (Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= maxTokens);
const ms: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= maxLatencyMs;
const plain: Check = (v) => v == null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || optText(v);
const optMs: Check = (v) => v == null || ms(v);

const fields: Record<string, Check> = {
  id: text,
  org_id: text,
  key_id: text,
  endpoint: text,
  provider: text,
  provider_source: text,
  provider_unknown: bool,
  model: optText,
  response_model: optText,
  streamed: bool,
  status: (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599,
  error_code: optText,
  latency_ms: ms,
  ttfb_ms: optMs,
  input_tokens: count,
  output_tokens: count,
  cached_input_tokens: count,
  reasoning_tokens: count,
  cache_write_tokens: count,
  cache_write_1h_tokens: count,
  cost_usd: (v) => v == null || (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= maxSpooledCostUsd),
  price_known: bool,
  feature: optText,
  task: optText,
  cost_source: optText,
  upstream_request_id: optText,
  routing_rule_id: optText,
  routed_from_model: optText,
  routing_skipped: optText,
};
const required = new Set(["id", "org_id", "key_id", "created_at", "endpoint", "provider", "provider_source", "provider_unknown", "model", "streamed", "status", "latency_ms", "price_known"]);

/** The row, or why it is not one Lectr could have written. Pure: the org/key check is the caller's. */
export function checkSpooledRow(value: unknown, now: number): { ok: true; row: EventRow } | { ok: false; reason: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not an object" };
  const row = value as Record<string, unknown>;
  for (const name of required) if (!(name in row)) return { ok: false, reason: `missing ${name}` };
  for (const name of Object.keys(row)) {
    if (name === "created_at") continue;
    // a column added by a newer version: plain values only
    const check = fields[name] ?? plain;
    if (!check(row[name])) return { ok: false, reason: `${name} out of bounds` };
  }
  const at = row.created_at;
  if (!Number.isSafeInteger(at) || (at as number) < 0 || (at as number) > now + maxFutureMs) return { ok: false, reason: "created_at out of bounds" };
  return { ok: true, row: row as unknown as EventRow };
}
