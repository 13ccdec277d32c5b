/**
 * Gemini's native API, as @google/genai calls it: `POST /v1beta/models/{model}:{method}`, the key in
 * `x-goog-api-key` or `?key=`, SSE with `alt=sse` (bare `data:` frames, CRLF-separated), usage in
 * `usageMetadata` with proto3's habit of leaving zero counts out, errors as `{"error":{code,message,status}}`.
 * https://ai.google.dev/api/generate-content, https://ai.google.dev/api/tokens, https://ai.google.dev/api/embeddings
 */
import { randomString } from "../ids.ts";
import { joined } from "../shapes.ts";
import type { MockUsage, ReplyInput, Route, RouteKind } from "../types.ts";

/** Google RPC status names (providers.md 4.4), shared by both of Gemini's dialects. */
const statuses: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The RPC status name Google gives an HTTP status. */
export const googleStatus = (code: number): string => statuses[code] ?? (code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");

export const nativeError = (code: number, message: string): string => JSON.stringify({ error: { code, message, status: googleStatus(code) } });

export const isNativePath = (path: string): boolean => !path.startsWith("/v1beta/openai/");

/** The native API takes the key as `x-goog-api-key` or `?key=` (a bearer there is an OAuth token, not a key). */
export const nativeAuthorized = (headers: Headers, apiKey: string, search: URLSearchParams): boolean =>
  headers.get("x-goog-api-key") === apiKey || search.get("key") === apiKey;

const methods: Record<string, RouteKind> = {
  generateContent: "generate",
  streamGenerateContent: "generate",
  countTokens: "count_tokens",
  embedContent: "embed_content",
  batchEmbedContents: "batch_embed",
};

const modelCall = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/;

export function nativeRoute(method: string, path: string): Route {
  const call = modelCall.exec(path);
  const kind = call && methods[call[2]!];
  if (!call || !kind || method !== "POST") return { ok: false, status: 404, body: nativeError(404, `Method not found: ${method} ${path}`) };
  return { ok: true, kind, pathModel: decodeURIComponent(call[1]!), stream: call[2] === "streamGenerateContent" };
}

/** Counts so far: zero counts are left out, as proto3 JSON does. */
function usageMetadata(u: MockUsage, candidates: number) {
  return {
    promptTokenCount: u.promptTokens,
    ...(candidates > 0 ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: u.promptTokens + candidates + u.thinkingTokens,
    ...(u.cachedTokens > 0 ? { cachedContentTokenCount: u.cachedTokens } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: u.promptTokens }],
    ...(u.thinkingTokens > 0 ? { thoughtsTokenCount: u.thinkingTokens } : {}),
  };
}

const responseId = () => randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

const candidate = (text: string, finished: boolean) => ({
  content: { parts: [{ text }], role: "model" },
  ...(finished ? { finishReason: "STOP" } : {}),
  index: 0,
});

/** A small deterministic vector per input. */
const values = (index: number) => Array.from({ length: 8 }, (_, i) => Math.round(Math.sin(index * 8 + i + 1) * 1e4) / 1e4);

export function nativeReply(kind: RouteKind, input: ReplyInput): unknown {
  if (kind === "count_tokens") return { totalTokens: input.usage.promptTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: input.usage.promptTokens }] };
  // The Gemini API's embedding responses carry the vectors only, no usage.
  if (kind === "embed_content") return { embedding: { values: values(0) } };
  if (kind === "batch_embed") {
    const requests = Array.isArray(input.body.requests) ? input.body.requests : [];
    return { embeddings: requests.map((_, i) => ({ values: values(i) })) };
  }
  return {
    candidates: [candidate(joined(input), true)],
    usageMetadata: usageMetadata(input.usage, input.usage.completionTokens),
    modelVersion: input.model,
    responseId: responseId(),
  };
}

/** `alt=sse`: each frame a whole GenerateContentResponse, the thoughts counted from the first, candidates growing. */
export function nativeStream(input: ReplyInput): string[] {
  const id = responseId();
  const pieces = input.content.length > 0 ? input.content : [""];
  return pieces.map((text, i) => {
    const last = i === pieces.length - 1;
    const candidates = last ? input.usage.completionTokens : Math.floor((input.usage.completionTokens * (i + 1)) / pieces.length);
    const frame = { candidates: [candidate(text, last)], usageMetadata: usageMetadata(input.usage, candidates), modelVersion: input.model, responseId: id };
    return `data: ${JSON.stringify(frame)}\r\n\r\n`;
  });
}
