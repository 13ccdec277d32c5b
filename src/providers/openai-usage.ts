/**
 * OpenAI's chat usage object, the shape every OpenAI-compatible provider starts from (pure).
 * Section numbers refer to /work/shared/reference/providers.md.
 */
import type { Usage } from "./types.ts";

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A reported count: a non-negative safe integer; undefined for anything else, which is then not reported. */
export function reported(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * OpenAI's usage object (§1.5, Azure §5.5), or undefined when its counts are missing or unreadable
 * (negative, fractional, absurd): prompt_tokens includes cached and cache-write tokens,
 * completion_tokens includes reasoning. Subsets are clamped so pricing never counts a token twice;
 * a subset the body does not report is null, never 0. `extraCached`: another place a provider
 * reports cache reads.
 */
export function openAiStyleUsage(usage: Json, extraCached?: unknown): Usage | undefined {
  const promptDetails = asObject(usage.prompt_tokens_details);
  const completionDetails = asObject(usage.completion_tokens_details);
  const inputTokens = reported(usage.prompt_tokens);
  // embeddings report no completion_tokens: a total equal to the prompt says there was no output
  const outputTokens = reported(usage.completion_tokens) ?? (reported(usage.total_tokens) === inputTokens ? 0 : undefined);
  // a usage object without readable counts reports nothing: unknown, never a priced 0
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const cached = reported(promptDetails?.cached_tokens);
  const cachedElsewhere = reported(extraCached);
  const reads = cached === undefined ? cachedElsewhere : cachedElsewhere === undefined ? cached : Math.max(cached, cachedElsewhere);
  const cachedInputTokens = reads === undefined ? null : Math.min(reads, inputTokens);
  // Optional, newer models only (§1.5: gpt-5.6 `cache_write_tokens`).
  const writes = reported(promptDetails?.cache_write_tokens);
  const reasoning = reported(completionDetails?.reasoning_tokens);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens,
    cacheWriteTokens: writes === undefined ? null : Math.min(writes, inputTokens - (cachedInputTokens ?? 0)),
    reasoningTokens: reasoning === undefined ? null : Math.min(reasoning, outputTokens),
  };
}

/** The usage of a chat body or chunk at `usage` (`usage: null` is none, §1.2). */
export function openAiChatUsage(body: Json): Usage | undefined {
  const usage = asObject(body.usage);
  return usage && openAiStyleUsage(usage);
}
