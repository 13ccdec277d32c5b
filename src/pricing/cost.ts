import type { Usage } from "../providers/types.ts";
import { providers } from "../providers/index.ts";
import type { PriceRow } from "./registry.ts";

export interface Cost {
  /** US dollars; null when any billed token class has no price (never a silent 0). */
  costUsd: number | null;
  priceKnown: boolean;
}

const unknownCost: Cost = { costUsd: null, priceKnown: false };

/** A usable token count: a negative, NaN or infinite report counts as nothing. */
const tokens = (n: number | null): number => (n !== null && Number.isFinite(n) && n > 0 ? n : 0);

/**
 * The cost of one call. Usage counts overlap (cached and cache-write tokens are inside
 * inputTokens, reasoning inside outputTokens), so each token is priced in exactly one class.
 */
export function computeCost(usage: Usage, price: PriceRow | undefined): Cost {
  if (!price) return unknownCost;
  const input = tokens(usage.inputTokens);
  const cached = tokens(usage.cachedInputTokens);
  const written = tokens(usage.cacheWriteTokens);
  // The part written for an hour has its own rate (Anthropic: a multiple of input, src/providers/anthropic.ts).
  const written1h = Math.min(tokens(usage.cacheWrite1hTokens ?? null), written);
  const output = tokens(usage.outputTokens);
  // Image and audio input have their own rates (gpt-image-1, gpt-4o-transcribe); a row without one leaves them unknown.
  const image = tokens(usage.imageInputTokens ?? null);
  const audio = tokens(usage.audioInputTokens ?? null);
  // Most providers bill reasoning as output; split it out only for a row with its own rate.
  const reasoning = price.reasoningPerMTok === null ? 0 : tokens(usage.reasoningTokens);

  // Sum token × per-MTok price and divide once, so the only rounding is float's own.
  // A missing cache rate means the provider bills those tokens as input.
  let tokenDollars = 0;
  const add = (count: number, perMTok: number | null): boolean => {
    if (count === 0) return true;
    if (perMTok === null) return false;
    tokenDollars += count * perMTok;
    return true;
  };
  const priced =
    // A provider reporting more cached than input tokens gets no uncached part, not a negative one.
    add(Math.max(0, input - cached - written - image - audio), price.inputPerMTok) &&
    add(image, price.imageInputPerMTok ?? null) &&
    add(audio, price.audioInputPerMTok ?? null) &&
    add(cached, price.cachedInputPerMTok ?? price.inputPerMTok) &&
    add(written - written1h, price.cacheWritePerMTok ?? price.inputPerMTok) &&
    add(written1h, cacheWrite1hRate(price)) &&
    add(Math.max(0, output - reasoning), price.outputPerMTok) &&
    add(reasoning, price.reasoningPerMTok);
  // a cost that overflows (absurd token counts reported by an upstream) is not a cost: unknown, never Infinity
  if (!priced || !Number.isFinite(tokenDollars)) return unknownCost;
  return { costUsd: tokenDollars / 1_000_000, priceKnown: true };
}

function cacheWrite1hRate(price: PriceRow): number | null {
  if (price.cacheWrite1hPerMTok != null) return price.cacheWrite1hPerMTok;
  const multiple = providers[price.provider].cacheWrite1hInputMultiple;
  if (multiple !== undefined && price.inputPerMTok !== null) return price.inputPerMTok * multiple;
  return price.cacheWritePerMTok ?? price.inputPerMTok;
}
