import type { ProviderId } from "../../../src/providers/types.ts";
import type { MockUsage } from "./types.ts";

/**
 * Distinct counts per provider, so a test that reads the wrong provider's usage fails.
 * Each mixes in the subsets its dialect reports (cached, reasoning, Gemini thinking).
 */
export const defaultMockUsage: Record<ProviderId, MockUsage> = {
  openai: { promptTokens: 120, completionTokens: 48, cachedTokens: 32, cacheWriteTokens: 0, reasoningTokens: 16, thinkingTokens: 0 },
  anthropic: { promptTokens: 210, completionTokens: 57, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, thinkingTokens: 0 },
  groq: { promptTokens: 304, completionTokens: 49, cachedTokens: 128, cacheWriteTokens: 0, reasoningTokens: 23, thinkingTokens: 0 },
  // Mirrors providers.md 4.3: 35 prompt + 12 completion, total 109 (62 thinking tokens).
  gemini: { promptTokens: 35, completionTokens: 12, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, thinkingTokens: 62 },
  azure: { promptTokens: 86, completionTokens: 27, cachedTokens: 64, cacheWriteTokens: 0, reasoningTokens: 8, thinkingTokens: 0 },
  // Mistral reports plain counts only
  mistral: { promptTokens: 140, completionTokens: 60, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, thinkingTokens: 0 },
  deepseek: { promptTokens: 500, completionTokens: 300, cachedTokens: 200, cacheWriteTokens: 0, reasoningTokens: 120, thinkingTokens: 0 },
  // xAI: reasoning reported apart from completion_tokens
  xai: { promptTokens: 90, completionTokens: 30, cachedTokens: 10, cacheWriteTokens: 0, reasoningTokens: 70, thinkingTokens: 0 },
  openrouter: { promptTokens: 250, completionTokens: 40, cachedTokens: 50, cacheWriteTokens: 0, reasoningTokens: 0, thinkingTokens: 0 },
};

/** OpenAI's usage object (providers.md 1.5): cached ⊂ prompt, reasoning ⊂ completion. */
export function openaiUsage(u: MockUsage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Embeddings bill the input only (providers.md 1.3). */
export const embeddingUsage = (u: MockUsage) => ({ prompt_tokens: u.promptTokens, total_tokens: u.promptTokens });
