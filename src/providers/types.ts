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
  /** Image input tokens (gpt-image-1), priced apart: a subset of inputTokens; absent when not reported. */
  imageInputTokens?: number | null;
  /** Audio input tokens (gpt-4o-transcribe), priced apart: a subset of inputTokens; absent when not reported. */
  audioInputTokens?: number | null;
}

/** A billed quantity other than tokens, exactly as the provider reported it. */
export interface BilledUnits {
  unit: "image" | "second";
  /** Images made, or seconds of audio. */
  count: number;
  /** For images: the price key `quality/size` the request asked for (dall-e-3 `hd/1024x1792`). */
  variant?: string;
}

/** What a response says about its billing besides token usage. */
export interface Billing {
  units?: BilledUnits;
  /**
   * The provider object whose usage this report is (`response:resp_…`, `batch:batch_…`): a stored
   * response or a batch read back many times is counted once, by the first event that reports it.
   */
  claim?: string;
  /** Billed at the provider's batch rate. */
  batch?: boolean;
  /** The body is an object still running (a background response queued): a later read reports its usage. */
  deferred?: boolean;
}
