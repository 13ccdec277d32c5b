/**
 * What a stream cut before the provider reported its usage still cost: the
 * prompt was read and some output was sent, so its cost is estimated rather
 * than left unknown (the event says so: cost_source `estimated`). Every such
 * event gets one, whether or not a budget covers it. Pure.
 */
import { computeCost } from "./cost.ts";
import { findPrice, type PriceBook, type PricedCall } from "./price-book.ts";
import type { PriceRow } from "./registry.ts";

/** About four bytes of a request body per token: JSON punctuation makes this lean high. */
export const bytesPerToken = 4;

export const promptTokensOfBody = (bodyBytes: number): number => Math.ceil(bodyBytes / bytesPerToken);

/** Estimated input and output tokens (nothing cached) at a price row; undefined when the row cannot price them. */
export function estimatedCost(row: PriceRow, inputTokens: number, outputTokens: number): number | undefined {
  return computeCost({ inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, row).costUsd ?? undefined;
}

/** A streamed chunk carries about one token, the first one only the role; undefined when the model has no price. */
export function cutStreamCost(book: PriceBook, call: Omit<PricedCall, "usage" | "billing">, bodyBytes: number, chunks: number): number | undefined {
  const found = findPrice(book, call);
  return found && estimatedCost(found.row, promptTokensOfBody(bodyBytes), Math.max(0, chunks - 1));
}
