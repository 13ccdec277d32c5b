/**
 * What Lectr knows about an upstream, as plain data. The differences between
 * providers live in these fields, not in code paths.
 */
import type { ProviderId } from "./types.ts";

export interface UpstreamTarget {
  /** Base URL from config (e.g. https://api.openai.com/v1), or the org's Azure endpoint. */
  base: string;
  /** The client's path after `/v1`, e.g. `/chat/completions`. */
  path: string;
  /** The client's query string including `?`, or "". */
  search: string;
  /** The request body's `model` ("" when none). */
  model: string;
  /** Azure only: the org's api-version. */
  apiVersion?: string;
}

export interface Provider {
  id: ProviderId;
  /** How the provider key travels: OpenAI-style bearer, or Azure's `api-key` header. */
  auth: "bearer" | "api-key";
  /**
   * Ask for streamed usage with `stream_options.include_usage` when the
   * client did not: only where usage is otherwise missing from the stream.
   */
  injectStreamUsage: boolean;
  /** Error bodies arrive as a JSON array (`[{"error":…}]`) that OpenAI SDKs cannot read. */
  arrayErrorBodies: boolean;
  url(target: UpstreamTarget): string;
}

/** The four OpenAI-compatible bases take the client's path and query as they are. */
export function appendPath(t: UpstreamTarget): string {
  return `${t.base}${t.path}${t.search}`;
}
