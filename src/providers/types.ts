/** The five upstreams Lectr forwards to. */
export type ProviderId = "openai" | "anthropic" | "groq" | "gemini" | "azure";

export const providerIds: readonly ProviderId[] = ["openai", "anthropic", "groq", "gemini", "azure"];

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
