import type { ProviderId } from "../../../src/providers/types.ts";

/** One request as the mock received it, recorded before it is answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string including the leading `?`, or "" when there is none. */
  search: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  bodyText: string;
  /** The parsed body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

/** One response as the mock sent it; `chunks` grows while a stream is written. */
export interface SentResponse {
  status: number;
  headers: Record<string, string>;
  /** The exact bytes written, in order (a single chunk for a non-stream body). */
  chunks: Uint8Array[];
  /** Set when the reader went away before the stream's end (Lectr aborted the call). */
  cancelled?: boolean;
}

export interface MockUsage {
  /** Every prompt token, cached ones included (OpenAI's `prompt_tokens`). */
  promptTokens: number;
  /** Output tokens; reasoning included for OpenAI/Azure/Groq, thinking excluded for Gemini. */
  completionTokens: number;
  cachedTokens: number;
  /** Anthropic Messages only: cache writes (`cache_creation_input_tokens`), a part of promptTokens. */
  cacheWriteTokens: number;
  /** Anthropic Messages only: the part of cacheWriteTokens written for an hour. */
  cacheWrite1hTokens?: number;
  reasoningTokens: number;
  /** Gemini only: counted in `total_tokens` but not in `completion_tokens`. */
  thinkingTokens: number;
}

export interface Behavior {
  /** Force this status with the provider's error body for it. */
  status?: number;
  /** Raw error body override (status defaults to 500 when only this is set). */
  errorBody?: string;
  /** Extra response headers, applied last. */
  headers?: Record<string, string>;
  delayHeadersMs?: number;
  chunkDelayMs?: number;
  /** Stream: send N chunks, then hang until the client goes away or the mock stops. */
  stallAfterChunks?: number;
  /** Stream: send N chunks, then reset the connection (no terminating chunk). */
  resetAfterChunks?: number;
  contentChunks?: string[];
  usage?: Partial<MockUsage>;
  responseModel?: string;
  /** Responses and Messages: answer with a call of this tool instead of text. */
  toolCall?: { name: string; arguments: string };
  /** Sent verbatim with status 200 and a JSON content-type. */
  rawBody?: string;
  /** Sent verbatim, one write each, instead of the dialect's stream. */
  rawSse?: string[];
}

export interface MockUpstream {
  provider: ProviderId;
  origin: string;
  baseUrl: string;
  requests: RecordedRequest[];
  responses: SentResponse[];
  /** Streams parked in a stall (stallAfterChunks), waiting for their reader to leave. */
  readonly stalled: number;
  setBehavior(b: Behavior): void;
  reset(): void;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface MockOptions {
  apiKey?: string;
  /** Azure deployment name → underlying model name. */
  azureDeployments?: Record<string, string>;
}

/** What a request asks of the dialect once routing succeeded. */
export type RouteKind =
  | "chat"
  | "completions"
  | "embeddings"
  | "responses"
  | "messages"
  | "models"
  /** Gemini native: generateContent / streamGenerateContent, countTokens, embedContent, batchEmbedContents. */
  | "generate"
  | "count_tokens"
  | "embed_content"
  | "batch_embed";

/** Route kinds that can stream. */
export type StreamKind = Exclude<RouteKind, "embeddings" | "models">;

export type Route =
  | {
      ok: true;
      kind: RouteKind;
      /** Azure: the deployment's model. */
      deploymentModel?: string;
      /** Gemini native: the model named in the path (there is none in the body). */
      pathModel?: string;
      /** The path, not the body, asks for a stream (Gemini's `:streamGenerateContent`). */
      stream?: boolean;
    }
  | { ok: false; status: number; body: string };

/** Everything a dialect needs to build a successful reply. */
export interface ReplyInput {
  /** The `model` the response names. */
  model: string;
  body: Record<string, unknown>;
  content: string[];
  usage: MockUsage;
  /** `stream_options.include_usage === true` in the request. */
  includeUsage: boolean;
  toolCall: { name: string; arguments: string } | undefined;
  /** Unix seconds. */
  created: number;
}

/**
 * One provider's dialect as data plus pure builders: the server owns all I/O.
 * Builders return JSON-ready values; `stream` returns whole SSE frames.
 */
export interface Dialect {
  /** Appended to the origin to form the base URL Lectr uses. */
  basePath: string;
  defaultApiKey: string;
  authorized(headers: Headers, apiKey: string, search: URLSearchParams, path: string): boolean;
  /** The 401 body; `presented` is the credential the client sent, if any. */
  unauthorizedBody(presented: string | undefined, path: string): string;
  route(method: string, path: string, search: URLSearchParams, opts: Required<MockOptions>): Route;
  /** `path`: where the error is answered (Gemini's two APIs word errors differently). */
  errorBody(status: number, message?: string, path?: string): string;
  /** Per-response headers such as a fresh request id. */
  responseHeaders(): Record<string, string>;
  jsonContentType: string;
  streamContentType: string;
  /** The model the response names when the behaviour does not override it. */
  responseModel(requestModel: string, route: Extract<Route, { ok: true }>): string;
  reply(kind: Exclude<RouteKind, "models">, input: ReplyInput): unknown;
  stream(kind: StreamKind, input: ReplyInput): string[];
  models(): unknown;
}
