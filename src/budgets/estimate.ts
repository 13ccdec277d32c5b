/**
 * What a request is expected to cost, reserved at admission and settled to
 * the exact cost when its event is built. Input tokens come from the body's
 * size (about four bytes per token: JSON punctuation makes this lean high);
 * output tokens from the request's own cap (`max_tokens`,
 * `max_output_tokens`, `max_completion_tokens`) or, without one, the p95 of
 * the model's recent outputs for the org but never less than a floor, times
 * the outputs asked for (output-estimate.ts). A call whose cost cannot be
 * told before it runs says why (`unknown`): block budgets refuse it unless
 * they exempt it. Pure.
 */
import { findPrice, type PriceBook } from "../pricing/price-book.ts";
import { estimatedCost, promptTokensOfBody } from "../pricing/cut-stream.ts";
import type { ProviderId } from "../providers/types.ts";
import { hiddenInputField, isBackground, routeCost } from "./coverage.ts";
import { noCapOutputFloor, outputCount } from "./output-estimate.ts";

/** Why a call's cost cannot be estimated at admission. */
export type UnknownCost =
  | { reason: "unpriced_model"; model: string }
  | { reason: "no_model" }
  | { reason: "route"; route: string }
  | { reason: "hidden_input"; field: string }
  | { reason: "background" };

export interface Estimate {
  inputTokens: number;
  outputTokens: number;
  /** What can be told of the cost; 0 when `unknown` (an unpriced call cannot be held to a dollar amount). */
  usd: number;
  /** Set when the estimate cannot stand for the cost. */
  unknown?: UnknownCost;
}

/** A client's cap is believed up to this; beyond it, no model answers anyway. */
const maxOutputTokens = 1_000_000;

const capFields = ["max_tokens", "max_output_tokens", "max_completion_tokens"] as const;

/** The output cap the request sets, if any. */
export function outputCap(json: Record<string, unknown> | undefined): number | undefined {
  if (!json) return undefined;
  for (const f of capFields) {
    const v = json[f];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.min(Math.floor(v), maxOutputTokens);
  }
  return undefined;
}

export interface EstimateInput {
  provider: ProviderId;
  model: string;
  /** Request path: embeddings produce no output tokens. */
  endpoint: string;
  method: string;
  at: number;
  bodyBytes: number;
  json: Record<string, unknown> | undefined;
  /** p95 of the org's recent output tokens for this model, when known. */
  recentOutputP95: number | undefined;
}

export function estimateCall(book: PriceBook, e: EstimateInput): Estimate {
  const route = routeCost(e.method, e.endpoint);
  if (route === "free") return { inputTokens: 0, outputTokens: 0, usd: 0 };
  const inputTokens = promptTokensOfBody(e.bodyBytes);
  // embeddings answer no tokens; a route Lectr cannot estimate answers in units it cannot count before (images, audio, jobs)
  const noOutput = route === "unmeasurable" || e.endpoint.endsWith("/embeddings") || e.bodyBytes === 0;
  const outputTokens = noOutput ? 0 : outputTokensOf(e.json, e.recentOutputP95);
  const unknown = unknownCost(route, e);
  if (e.model === "") return { inputTokens, outputTokens, usd: 0, unknown: unknown ?? { reason: "no_model" } };
  const found = findPrice(book, { provider: e.provider, model: e.model, responseModel: undefined, at: e.at });
  // a row that cannot price the estimate (no rate for a class it needs) is as unknown as no row at all
  const usd = found && estimatedCost(found.row, inputTokens, outputTokens);
  if (usd === undefined) return { inputTokens, outputTokens, usd: 0, unknown: unknown ?? { reason: "unpriced_model", model: e.model } };
  return unknown ? { inputTokens, outputTokens, usd, unknown } : { inputTokens, outputTokens, usd };
}

/** Output tokens for every output asked for: the cap, or the recent p95 raised to the floor. */
export function outputTokensOf(json: Record<string, unknown> | undefined, recentOutputP95: number | undefined): number {
  const each = outputCap(json) ?? Math.max(recentOutputP95 ?? 0, noCapOutputFloor);
  return each * outputCount(json);
}

/** What keeps a body-estimated call's cost from being known before it runs. */
function unknownCost(route: "tokens" | "unmeasurable", e: EstimateInput): UnknownCost | undefined {
  if (route === "unmeasurable") return { reason: "route", route: e.endpoint };
  const hidden = hiddenInputField(e.json);
  if (hidden) return { reason: "hidden_input", field: hidden };
  if (isBackground(e.json)) return { reason: "background" };
  return undefined;
}

/** The p95 of a sample (nearest rank); undefined for an empty one. */
export function p95(sample: readonly number[]): number | undefined {
  if (sample.length === 0) return undefined;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
