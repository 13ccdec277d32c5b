/**
 * The endpoints Lectr proxies, as data: one row each. A row says whether Lectr may change the
 * request body, which provider serves a model nobody recognises, where usage and the response
 * model sit in a JSON body and in which SSE events, and how the token fields map to the event's
 * input_tokens / output_tokens / cached_input_tokens / cache_write_tokens / reasoning_tokens.
 */
import type { ProviderId } from "./types.ts";

/** Dotted paths inside a usage object; a path left out means the endpoint never reports that count. */
export interface TokenFields {
  input: string;
  /** Further counts billed as input, added to it (Gemini's tool-use prompt). */
  inputAlso?: readonly string[];
  output: string;
  /** Further counts billed as output, added to it (Gemini's thoughts). */
  outputAlso?: readonly string[];
  cached?: string;
  cacheWrite?: string;
  /** The part of the cache writes kept for an hour (priced apart). */
  cacheWrite1h?: string;
  reasoning?: string;
  /**
   * The input count leaves out cache reads and writes (Anthropic's `input_tokens`), so the
   * event's input_tokens adds them back: cached and cache-write tokens are always inside it.
   */
  inputExcludesCache: boolean;
  /**
   * Proto3 JSON leaves zero counts out (Gemini), so a count missing from a usage object that has
   * its input count is 0, not unknown.
   */
  omitsZeros?: boolean;
}

export type EndpointId =
  | "chat_completions"
  | "completions"
  | "embeddings"
  | "responses"
  | "messages"
  | "other"
  | "generate_content"
  | "count_tokens"
  | "embed_content"
  | "gemini_other";

/** How Lectr words its own errors on an endpoint: the envelope that endpoint's SDKs read. */
export type ErrorShape = "openai" | "anthropic" | "google";

export interface Endpoint {
  id: EndpointId;
  /** The path after `/v1`; undefined for the pass-through row. */
  path: string | undefined;
  /**
   * Lectr may rewrite the body: the model a routing rule picks, and `stream_options.include_usage`
   * for providers that need it. Otherwise the body reaches the provider byte for byte.
   */
  mayTouchBody: boolean;
  /** Streams report usage only when asked with `stream_options.include_usage` (where the provider needs it). */
  streamUsageOption: boolean;
  /** Where a model no detection rule knows is sent. Which providers serve the row: each provider's `serves`. */
  defaultProvider: ProviderId;
  /** The envelope of Lectr's own errors here (a refusal, a missing key) and of a refused provider. */
  errorShape: ErrorShape;
  /**
   * "chat": the OpenAI usage object at `usage`, read by the provider's own extractor (Groq's
   * `x_groq.usage`, Gemini's thinking in total_tokens). Otherwise the mapping below.
   */
  usage: "chat" | { fields: TokenFields; json: readonly string[]; sse: Readonly<Record<string, readonly string[]>> };
  /** Where the response names its model: in a JSON body, and per SSE event type ("*": any chunk). */
  model: { json: readonly string[]; sse: Readonly<Record<string, readonly string[]>> };
  /** OpenTelemetry `gen_ai.operation.name`. */
  operation: "chat" | "text_completion" | "embeddings" | "other";
  /** SSE event types that report a failure inside a 200 stream (besides `error`). */
  errorEvents: readonly string[];
  /**
   * How Lectr ends a stream the provider broke off, in a shape the endpoint's SDKs raise as an error:
   * OpenAI's `data: {"error":…}`, or Anthropic's `event: error` with `{"type":"error","error":…}`.
   */
  streamError: ErrorShape;
}

const openAiModel = { json: ["model"], sse: { "*": ["model"] } };

/**
 * OpenAI Responses API: usage.input_tokens (cached included) with input_tokens_details.cached_tokens,
 * output_tokens (reasoning included) with output_tokens_details.reasoning_tokens; streams end with
 * `response.completed` (or `.incomplete` / `.failed`) carrying the whole response, usage included.
 * https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 * https://platform.openai.com/docs/api-reference/responses-streaming/response/completed
 */
const responses: Endpoint = {
  id: "responses",
  path: "/responses",
  operation: "chat",
  mayTouchBody: false,
  streamUsageOption: false,
  defaultProvider: "openai",
  errorShape: "openai",
  usage: {
    fields: {
      input: "input_tokens",
      cached: "input_tokens_details.cached_tokens",
      output: "output_tokens",
      reasoning: "output_tokens_details.reasoning_tokens",
      inputExcludesCache: false,
    },
    json: ["usage"],
    sse: {
      "response.completed": ["response", "usage"],
      "response.incomplete": ["response", "usage"],
      "response.failed": ["response", "usage"],
    },
  },
  model: { json: ["model"], sse: { "response.created": ["response", "model"], "response.completed": ["response", "model"] } },
  errorEvents: ["response.failed"],
  streamError: "openai",
};

/**
 * Anthropic Messages API: usage.input_tokens counts only the uncached part; cache reads and writes
 * come apart (cache_read_input_tokens, cache_creation_input_tokens). Streams give usage in
 * `message_start` (message.usage), then the cumulative counts in `message_delta` (usage).
 * https://docs.anthropic.com/en/api/messages#response-usage
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
const messages: Endpoint = {
  id: "messages",
  path: "/messages",
  operation: "chat",
  mayTouchBody: false,
  streamUsageOption: false,
  defaultProvider: "anthropic",
  errorShape: "anthropic",
  usage: {
    fields: {
      input: "input_tokens",
      cached: "cache_read_input_tokens",
      cacheWrite: "cache_creation_input_tokens",
      // https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#1-hour-cache-duration
      cacheWrite1h: "cache_creation.ephemeral_1h_input_tokens",
      output: "output_tokens",
      inputExcludesCache: true,
    },
    json: ["usage"],
    sse: { message_start: ["message", "usage"], message_delta: ["usage"] },
  },
  model: { json: ["model"], sse: { message_start: ["message", "model"] } },
  errorEvents: [],
  streamError: "anthropic",
};

/** OpenAI-shaped endpoints: usage at `usage`, the model on every chunk. */
const openAiShaped = (
  id: EndpointId,
  path: string | undefined,
  operation: Endpoint["operation"],
  touch: { mayTouchBody: boolean; streamUsageOption: boolean },
): Endpoint => ({
  id,
  path,
  operation,
  ...touch,
  defaultProvider: "openai",
  errorShape: "openai",
  usage: "chat",
  model: openAiModel,
  errorEvents: [],
  streamError: "openai",
});

/**
 * Gemini's native API, as @google/genai calls it (`/v1beta/models/{model}:{method}`).
 * usageMetadata: promptTokenCount includes the cached content (cachedContentTokenCount); tool-use
 * prompt tokens are input too; output is billed as candidates plus thoughts ("Output price
 * (including thinking tokens)", https://ai.google.dev/gemini-api/docs/pricing). Streams
 * (`:streamGenerateContent?alt=sse`) are bare `data:` frames, each a GenerateContentResponse whose
 * usageMetadata holds the counts so far, the last one whole.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 */
const geminiTokens: TokenFields = {
  input: "promptTokenCount",
  inputAlso: ["toolUsePromptTokenCount"],
  cached: "cachedContentTokenCount",
  output: "candidatesTokenCount",
  outputAlso: ["thoughtsTokenCount"],
  reasoning: "thoughtsTokenCount",
  inputExcludesCache: false,
  omitsZeros: true,
};

const geminiNative = (id: EndpointId, operation: Endpoint["operation"]): Endpoint => ({
  id,
  path: undefined,
  operation,
  mayTouchBody: false,
  streamUsageOption: false,
  defaultProvider: "gemini",
  errorShape: "google",
  // countTokens (free) and the embedding methods report no usageMetadata: their usage stays unknown
  usage: { fields: geminiTokens, json: ["usageMetadata"], sse: { "*": ["usageMetadata"] } },
  model: { json: ["modelVersion"], sse: { "*": ["modelVersion"] } },
  errorEvents: [],
  // a broken-off stream ends with `data: {"error":{code,message,status}}`, the frame Google's SDKs raise
  streamError: "google",
});

export const endpoints: Record<EndpointId, Endpoint> = {
  // The one endpoint whose streams Lectr asks for usage (providers.md §1.2).
  chat_completions: openAiShaped("chat_completions", "/chat/completions", "chat", { mayTouchBody: true, streamUsageOption: true }),
  completions: openAiShaped("completions", "/completions", "text_completion", { mayTouchBody: true, streamUsageOption: false }),
  embeddings: openAiShaped("embeddings", "/embeddings", "embeddings", { mayTouchBody: true, streamUsageOption: false }),
  responses,
  messages,
  // Everything else under /v1 goes through as sent.
  other: openAiShaped("other", undefined, "other", { mayTouchBody: false, streamUsageOption: false }),
  generate_content: geminiNative("generate_content", "chat"),
  count_tokens: geminiNative("count_tokens", "other"),
  embed_content: geminiNative("embed_content", "embeddings"),
  gemini_other: geminiNative("gemini_other", "other"),
};

const byPath = new Map(Object.values(endpoints).flatMap((e) => (e.path ? [[e.path, e] as const] : [])));

/** The row for a path after `/v1` (a trailing slash is the same path); the pass-through row otherwise. */
export function endpointFor(path: string): Endpoint {
  return byPath.get(path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path) ?? endpoints.other;
}
