import { providers } from "./index.ts";

/** The upstreams Lectr forwards to: the keys of the registry (index.ts), one file each. */
export type ProviderId = keyof typeof providers;

/** In the registry's order. */
export const providerIds = Object.keys(providers) as readonly ProviderId[];

/**
 * Token usage of one call, normalised across providers.
 * Subsets are stated explicitly so pricing never counts a token twice.
 */
export interface Usage {
  /** Every prompt token the provider billed, cached ones included (OpenAI's `prompt_tokens`). */
  inputTokens: number;
  /** Billed output tokens, reasoning included (OpenAI's `completion_tokens`; Gemini: total − prompt). */
  outputTokens: number;
  /** Cache reads: a subset of inputTokens; null when the provider does not report them. */
  cachedInputTokens: number | null;
  /** Cache writes: a subset of inputTokens; null when the provider does not report them. */
  cacheWriteTokens: number | null;
  /** Cache writes kept for an hour (Anthropic), billed apart: a subset of cacheWriteTokens; absent or null when not reported. */
  cacheWrite1hTokens?: number | null;
  /** Reasoning/thinking tokens: a subset of outputTokens; null when the provider does not report them. */
  reasoningTokens: number | null;
}
