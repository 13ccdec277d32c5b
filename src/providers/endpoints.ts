/**
 * The endpoints Lectr proxies, as data: one row each. A row says whether Lectr may change the
 * request body, which provider serves a model nobody recognises, where usage and the response
 * model sit in a JSON body and in which SSE events, and how the token fields map to the event's
 * input_tokens / output_tokens / cached_input_tokens / cache_write_tokens / reasoning_tokens.
 */
import type { ProviderId } from "./types.ts";
import type { BodyReading } from "./object-usage.ts";
import type { Json } from "./token-fields.ts";
import { objectPaths, objectRows } from "./object-endpoints.ts";

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
  /** Image input tokens inside the input count (gpt-image-1). */
  imageInput?: string;
  /** Audio input tokens inside the input count (gpt-4o-transcribe). */
  audioInput?: string;
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
  | "response_object"
  | "batches"
  | "images"
  | "audio_transcriptions"
  | "audio_speech"
  | "other"
  | "generate_content"
  | "count_tokens"
  | "embed_content"
  | "gemini_other";

/** How Lectr words its own errors on an endpoint: the envelope that endpoint's SDKs read. */
export type ErrorShape = "openai" | "anthropic" | "google";

/** What a reader knows of the request: its JSON body (undefined for multipart and others) and model. */
export interface RequestView {
  json: Json | undefined;
  model: string;
}

/** A provider object whose usage is counted once per id (a response read back, a batch), and where its id sits. */
export interface UsageClaim {
  kind: string;
  json: readonly string[];
  sse: Readonly<Record<string, readonly string[]>>;
}

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
  /**
   * A successful call here is billed, so one that reports no usage has an unknown cost (price_known
   * false), never $0. Not so for reads of an object (its usage is counted once) or pass-through paths.
   */
  bills: boolean;
  /** A body in one of these states reports its usage in a later read (a background response still queued). */
  deferred?: { json: readonly string[]; values: readonly string[] };
  /** Where a model no detection rule knows is sent. Which providers serve the row: each provider's `serves`. */
  defaultProvider: ProviderId;
  /** The envelope of Lectr's own errors here (a refusal, a missing key) and of a refused provider. */
  errorShape: ErrorShape;
  /**
   * "chat": the OpenAI usage object at `usage`, read by the provider's own extractor (Groq's
   * `x_groq.usage`, Gemini's thinking in total_tokens). Otherwise the mapping below.
   */
  usage: "chat" | "none" | { fields: TokenFields; json: readonly string[]; sse: Readonly<Record<string, readonly string[]>> };
  /** Reads a whole JSON body its own way (batches, images, audio), instead of `usage.json`. */
  read?: (body: Json, request: RequestView | undefined) => BodyReading;
  /** The usage reported belongs to this object, counted once per id across replicas (src/db/usage-claims.ts). */
  claim?: UsageClaim;
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
  bills: true,
  // https://platform.openai.com/docs/guides/background: a background response answers `queued`, usage comes with a later read
  deferred: { json: ["status"], values: ["queued", "in_progress"] },
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
  // A response can be read back (GET /v1/responses/{id}) with the same usage: counted once, by whichever event reports it first.
  claim: {
    kind: "response",
    json: ["id"],
    sse: { "response.completed": ["response", "id"], "response.incomplete": ["response", "id"], "response.failed": ["response", "id"] },
  },
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
  bills: true,
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
  bills: id !== "other",
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

const geminiNative = (id: EndpointId, operation: Endpoint["operation"], bills: boolean): Endpoint => ({
  id,
  bills,
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
  // A response read back or polled (background mode): GET /v1/responses/{id}, and its cancel.
  response_object: { ...responses, id: "response_object", path: undefined, operation: "other", bills: false },
  ...objectRows,
  // Everything else under /v1 goes through as sent. Its bodies are not read for usage: Lectr cannot tell
  // whether a path it has no row for bills anything, or whether a body is a new call or a stored one read
  // back with its usage (GET /v1/chat/completions/{id}), so its cost is unknown, never a guessed 0.
  other: { ...openAiShaped("other", undefined, "other", { mayTouchBody: false, streamUsageOption: false }), usage: "none" },
  generate_content: geminiNative("generate_content", "chat", true),
  count_tokens: geminiNative("count_tokens", "other", false),
  embed_content: geminiNative("embed_content", "embeddings", true),
  gemini_other: geminiNative("gemini_other", "other", false),
};

const byPath = new Map([
  ...Object.values(endpoints).flatMap((e) => (e.path ? [[e.path, e] as const] : [])),
  ...Object.entries(objectPaths).map(([path, id]) => [path, endpoints[id]] as const),
]);

/** Paths with an object id in them. */
const byPattern: readonly [RegExp, Endpoint][] = [
  [/^\/responses\/[^/]+(\/cancel)?$/, endpoints.response_object],
  [/^\/batches\/[^/]+(\/cancel)?$/, endpoints.batches],
];

/** The row for a path after `/v1` (a trailing slash is the same path); the pass-through row otherwise. */
export function endpointFor(path: string): Endpoint {
  const p = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return byPath.get(p) ?? byPattern.find(([re]) => re.test(p))?.[1] ?? endpoints.other;
}
