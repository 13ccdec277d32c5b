import type { ProviderId, Usage } from "./types.ts";
import { providers } from "./index.ts";
import { asObject } from "./openai-usage.ts";

/**
 * Usage from chat bodies and stream chunks (pure; STYLE rule 7): each provider's file says where
 * its usage sits and how to read it. Section numbers refer to /work/shared/reference/providers.md.
 */

/** Usage from a non-streaming JSON response body (already parsed), by the provider's own extractor. undefined when it carries none. */
export function usageFromBody(provider: ProviderId, body: unknown): Usage | undefined {
  const object = asObject(body);
  return object && providers[provider].chatUsage(object);
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

const usageKey = /"usage(Metadata)?"\s*:\s*\{/;

/**
 * Cheap test on a chunk's raw `data` before JSON.parse: false only when the text has no `"usage": {`
 * (OpenAI's `"usage":null` chunks, `[DONE]`). Groq's `x_groq.usage` and Gemini's `"usageMetadata": {` match too. A caller that still
 * needs the response model parses chunks until it has one, whatever this returns.
 */
export function mayCarryUsage(data: string): boolean {
  return data.includes('"usage') && usageKey.test(data);
}
