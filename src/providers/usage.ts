import type { ProviderId, Usage } from "./types.ts";

/**
 * Usage extraction from provider bodies and stream chunks (pure; STYLE rule 7).
 * Section numbers refer to /work/shared/reference/providers.md.
 */

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A token count, or 0 for anything missing, non-numeric, negative, fractional or absurd (never NaN). */
function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * OpenAI's usage object (§1.5, Azure §5.5): prompt_tokens includes cached and cache-write tokens,
 * completion_tokens includes reasoning. Subsets are clamped so pricing never counts a token twice.
 */
function openAiStyleUsage(usage: Json, extraCached = 0): Usage {
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

/**
 * Gemini compat (§4.3, §4.5): completion_tokens excludes thinking, total_tokens includes it.
 * Output is billed as total − prompt; the thinking part is that minus completion_tokens.
 */
function geminiUsage(usage: Json): Usage {
  const base = openAiStyleUsage(usage);
  const total = count(usage.total_tokens);
  if (total <= base.inputTokens + base.outputTokens) return base;
  const outputTokens = total - base.inputTokens;
  return { ...base, outputTokens, reasoningTokens: outputTokens - base.outputTokens };
}

/** The usage object a body or chunk carries for this provider, if any (`usage: null` is none, §1.2). */
function usageObject(provider: ProviderId, body: Json): Json | undefined {
  const usage = asObject(body.usage);
  // Groq (§3.2): `x_groq.usage` on the finish chunk; since Feb 2026 also an identical top-level `usage`.
  if (provider === "groq") return usage ?? asObject(asObject(body.x_groq)?.usage);
  return usage;
}

/** Usage from a non-streaming JSON response body (already parsed). undefined when the body carries no usage. */
export function usageFromBody(provider: ProviderId, body: unknown): Usage | undefined {
  const object = asObject(body);
  const usage = object && usageObject(provider, object);
  if (usage === undefined) return undefined;
  switch (provider) {
    case "gemini":
      return geminiUsage(usage);
    case "anthropic":
      // §2.5: details are "always empty"; genai-prices reads a top-level `cached_tokens` (unverified), so accept it.
      return openAiStyleUsage(usage, count(usage.cached_tokens));
    case "openai":
    case "azure":
    case "groq": // §3.5: cached via prompt_tokens_details, reasoning via completion_tokens_details
      return openAiStyleUsage(usage);
  }
}

/** Running state of one stream: the latest usage seen and the first non-empty response model. */
export interface StreamUsageState {
  usage: Usage | undefined;
  responseModel: string | undefined;
}

export function initialStreamUsage(): StreamUsageState {
  return { usage: undefined, responseModel: undefined };
}

/**
 * Folds one parsed stream chunk into the state. Every provider's streamed usage is a running total
 * (OpenAI/Azure: one final chunk §1.2 §5.2; Anthropic/Groq: the finish chunk §2.3 §3.2; Gemini: cumulative
 * on every chunk §4.2), so the latest value replaces the previous one; summing inflates Gemini 50-60x.
 */
export function foldStreamChunk(provider: ProviderId, state: StreamUsageState, chunk: unknown): StreamUsageState {
  const usage = usageFromBody(provider, chunk);
  let responseModel = state.responseModel;
  if (responseModel === undefined) {
    // Azure's first chunk has `model: ""` (§5.2); price from the first real one (implication 6).
    const model = asObject(chunk)?.model;
    if (typeof model === "string" && model !== "") responseModel = model;
  }
  if (usage === undefined && responseModel === state.responseModel) return state;
  return { usage: usage ?? state.usage, responseModel };
}

/**
 * True for OpenAI's usage-only chunk (§1.2): `choices: []` and a usage object. Azure's leading
 * `choices: []` chunk carries `prompt_filter_results` (§5.2) and is the provider's own, so it never matches.
 */
export function isUsageOnlyChunk(chunk: unknown): boolean {
  const object = asObject(chunk);
  return (
    object !== undefined &&
    Array.isArray(object.choices) &&
    object.choices.length === 0 &&
    asObject(object.usage) !== undefined &&
    object.prompt_filter_results === undefined
  );
}

const usageKey = /"usage"\s*:\s*\{/;

/**
 * Cheap test on a chunk's raw `data` before JSON.parse: false only when the text has no `"usage": {`
 * (OpenAI's `"usage":null` chunks, `[DONE]`). Groq's `x_groq.usage` matches too. A caller that still
 * needs the response model parses chunks until it has one, whatever this returns.
 */
export function mayCarryUsage(data: string): boolean {
  return data.includes('"usage"') && usageKey.test(data);
}
