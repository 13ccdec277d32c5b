/**
 * OpenAI's chat usage object, the shape every OpenAI-compatible provider starts from (pure).
 * Section numbers refer to /work/shared/reference/providers.md.
 */
import type { Usage } from "./types.ts";

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A token count, or 0 for anything missing, non-numeric, negative, fractional or absurd (never NaN). */
export function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * OpenAI's usage object (§1.5, Azure §5.5): prompt_tokens includes cached and cache-write tokens,
 * completion_tokens includes reasoning. Subsets are clamped so pricing never counts a token twice.
 */
export function openAiStyleUsage(usage: Json, extraCached = 0): Usage {
  const promptDetails = asObject(usage.prompt_tokens_details);
  const completionDetails = asObject(usage.completion_tokens_details);
  const inputTokens = count(usage.prompt_tokens);
  const outputTokens = count(usage.completion_tokens);
  const cachedInputTokens = Math.min(Math.max(count(promptDetails?.cached_tokens), extraCached), inputTokens);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens,
    // Optional, newer models only (§1.5: gpt-5.6 `cache_write_tokens`).
    cacheWriteTokens: Math.min(count(promptDetails?.cache_write_tokens), inputTokens - cachedInputTokens),
    reasoningTokens: Math.min(count(completionDetails?.reasoning_tokens), outputTokens),
  };
}

/** The usage of a chat body or chunk at `usage` (`usage: null` is none, §1.2). */
export function openAiChatUsage(body: Json): Usage | undefined {
  const usage = asObject(body.usage);
  return usage && openAiStyleUsage(usage);
}
