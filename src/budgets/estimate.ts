/**
 * What a request is expected to cost, reserved at admission and settled to
 * the exact cost when its event is built. Input tokens come from the body's
 * size (about four bytes per token: JSON punctuation makes this lean high);
 * output tokens from the request's own cap (`max_tokens`,
 * `max_output_tokens`, `max_completion_tokens`) or, without one, the p95 of
 * the model's recent outputs for the org. Pure.
 */
import { findPrice, type PriceBook } from "../pricing/price-book.ts";
import { computeCost } from "../pricing/cost.ts";
import type { ProviderId } from "../providers/types.ts";

export interface Estimate {
  inputTokens: number;
  outputTokens: number;
  /** 0 when the model has no price: an unpriced call cannot be held to a dollar amount. */
  usd: number;
}

export const bytesPerToken = 4;
/** Output expected from a model the org has no recent history for, when the request sets no cap. */
export const defaultOutputTokens = 512;
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
  at: number;
  bodyBytes: number;
  json: Record<string, unknown> | undefined;
  /** p95 of the org's recent output tokens for this model, when known. */
  recentOutputP95: number | undefined;
}

export function estimateCall(book: PriceBook, e: EstimateInput): Estimate {
  const inputTokens = Math.ceil(e.bodyBytes / bytesPerToken);
  const outputTokens = e.endpoint.endsWith("/embeddings") || e.bodyBytes === 0 ? 0 : (outputCap(e.json) ?? e.recentOutputP95 ?? defaultOutputTokens);
  if (e.model === "") return { inputTokens, outputTokens, usd: 0 };
  const found = findPrice(book, { provider: e.provider, model: e.model, responseModel: undefined, at: e.at });
  if (!found) return { inputTokens, outputTokens, usd: 0 };
  const cost = computeCost({ inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, found.row);
  return { inputTokens, outputTokens, usd: cost.costUsd ?? 0 };
}

/** The p95 of a sample (nearest rank); undefined for an empty one. */
export function p95(sample: readonly number[]): number | undefined {
  if (sample.length === 0) return undefined;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
