/**
 * What Lectr knows about an upstream, as plain data: every difference between providers lives in
 * these fields (one file per provider), not in code paths. Lists, enums, settings and messages are
 * derived from the registry in index.ts.
 */
import type { Json } from "./openai-usage.ts";
import type { ProviderId, Usage } from "./types.ts";
import type { EndpointId } from "./endpoints.ts";
import type { Surface } from "./surfaces.ts";

/**
 * Where a provider key travels: `Authorization: Bearer`, Anthropic's `x-api-key`, Google's
 * `x-goog-api-key` and `?key=`, Azure's `api-key`.
 */
export type CredentialForm = "bearer" | "x-api-key" | "x-goog-api-key" | "key-param" | "api-key";

export interface UpstreamTarget {
  /** Base URL from config (e.g. https://api.openai.com/v1), or the org's Azure endpoint. */
  base: string;
  /** Which of Lectr's path families the client called (surfaces.ts). */
  surface: Surface;
  /** The client's path after its family's prefix, e.g. `/chat/completions`; Gemini native: the whole path. */
  path: string;
  /** Azure: the deployment the client's path names. */
  deployment?: string;
  /** The client's query string including `?`, or "". */
  search: string;
  /** The request body's `model` ("" when none). */
  model: string;
  /** Azure only: the org's api-version. */
  apiVersion?: string;
}

export interface Provider {
  id: ProviderId;
  /** How people name it: the dashboard, error texts. */
  label: string;
  /** Its colour in the dashboard's charts and swatches. */
  colour: string;
  /** OpenTelemetry `gen_ai.system`, from the semantic conventions' well-known list. */
  telemetryName: string;
  /**
   * Where its requests go: a base URL from configuration (`LECTR_<ID>_BASE_URL`, defaulting to
   * `defaultBaseUrl`), or the endpoint each org configures for itself (Azure).
   */
  upstream: { from: "config"; defaultBaseUrl: string; description: string } | { from: "org" };
  /**
   * Model ids that name this provider: exact ids win over prefixes, the longest prefix wins (providers.md §6).
   * `headers`: request headers only this provider's clients send, which name it when the model does not.
   */
  detect: { prefixes: readonly string[]; exact: readonly string[]; headers?: readonly string[] };
  /** How the provider key travels: as the client sent it (bearer, `x-api-key`), or moved to Azure's `api-key` header. */
  auth: "bearer" | "api-key";
  /** The credential forms this provider takes: every other form is dropped from a request sent to it. */
  credentials: readonly CredentialForm[];
  /** The endpoint rows this provider is documented to serve; a request for any other gets a 400, not a forward. */
  serves: readonly EndpointId[];
  /**
   * Ask for streamed chat usage with `stream_options.include_usage` when the
   * client did not: only where usage is otherwise missing from the stream.
   */
  injectStreamUsage: boolean;
  /** 1-hour cache writes cost this multiple of the input price, where a price row names no 1-hour rate. */
  cacheWrite1hInputMultiple?: number;
  /** The usage of a chat completions body or stream chunk, as the event's columns. */
  chatUsage(body: Json): Usage | undefined;
  /** Turns an error body SDKs cannot read into OpenAI's envelope; absent: error bodies pass as sent. */
  unwrapError?(text: string, status: number): string;
  url(target: UpstreamTarget): string;
}

/** The OpenAI-compatible bases take the client's path and query as they are. */
export function appendPath(t: UpstreamTarget): string {
  return `${t.base}${t.path}${t.search}`;
}
