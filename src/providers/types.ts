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
  /** Cache reads: a subset of inputTokens. */
  cachedInputTokens: number;
  /** Cache writes: a subset of inputTokens. */
  cacheWriteTokens: number;
  /** Reasoning/thinking tokens: a subset of outputTokens. */
  reasoningTokens: number;
}
