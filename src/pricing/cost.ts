import type { Usage } from "../providers/types.ts";
import type { PriceRow } from "./registry.ts";

export interface Cost {
  /** US dollars; null when any billed token class has no price (never a silent 0). */
  costUsd: number | null;
  priceKnown: boolean;
}

const unknownCost: Cost = { costUsd: null, priceKnown: false };

/** A usable token count: a negative, NaN or infinite report counts as nothing. */
const tokens = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * The cost of one call. Usage counts overlap (cached and cache-write tokens are inside
 * inputTokens, reasoning inside outputTokens), so each token is priced in exactly one class.
 */
export function computeCost(usage: Usage, price: PriceRow | undefined): Cost {
  if (!price) return unknownCost;
  const input = tokens(usage.inputTokens);
  const cached = tokens(usage.cachedInputTokens);
  const written = tokens(usage.cacheWriteTokens);
  const output = tokens(usage.outputTokens);
  // Most providers bill reasoning as output; split it out only for a row with its own rate.
  const reasoning = price.reasoningPerMTok === null ? 0 : tokens(usage.reasoningTokens);

  // [token count, USD per 1M tokens]. A missing cache rate means the provider bills those tokens as input.
  const lines: readonly (readonly [number, number | null])[] = [
    // A provider reporting more cached than input tokens gets no uncached part, not a negative one.
    [Math.max(0, input - cached - written), price.inputPerMTok],
    [cached, price.cachedInputPerMTok ?? price.inputPerMTok],
    [written, price.cacheWritePerMTok ?? price.inputPerMTok],
    [Math.max(0, output - reasoning), price.outputPerMTok],
    [reasoning, price.reasoningPerMTok],
  ];

  // Sum token × per-MTok price and divide once, so the only rounding is float's own.
  let tokenDollars = 0;
  for (const [count, perMTok] of lines) {
    if (count === 0) continue;
    if (perMTok === null) return unknownCost;
    tokenDollars += count * perMTok;
  }
  return { costUsd: tokenDollars / 1_000_000, priceKnown: true };
}
