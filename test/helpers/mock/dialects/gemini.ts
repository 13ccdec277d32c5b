import { randomString } from "../ids.ts";
import { embeddingsBody, joined, modelList, routeTable, sse, sseDone } from "../shapes.ts";
import type { Dialect, MockUsage, ReplyInput } from "../types.ts";
import { embeddingUsage } from "../usage.ts";
import { googleStatus, isNativePath, nativeAuthorized, nativeError, nativeReply, nativeRoute, nativeStream } from "./gemini-native.ts";

const messages: Record<number, string> = {
  400: "Invalid JSON payload received. Unexpected end of string.",
  401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  404: "models/gemini-mock is not found for API version v1beta, or is not supported for generateContent. Call ModelService.ListModels to see the list of available models and their supported methods.",
  429: "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
};

/** The compat layer wraps the Google error in a one-element JSON array (providers.md 4.4). */
const error = (code: number, message: string) =>
  JSON.stringify([{ error: { code, message, status: googleStatus(code) } }]);

/** `completion_tokens` excludes thinking, `total_tokens` includes it (providers.md 4.5). */
const usage = (u: MockUsage, completion = u.completionTokens) => ({
  completion_tokens: completion,
  prompt_tokens: u.promptTokens,
  total_tokens: u.promptTokens + completion + u.thinkingTokens,
});

/** Google-style ids such as `Q9ugadePBtbAqtsPx5e1iAE` (providers.md 4.2). */
const responseId = () => randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/**
 * providers.md 4.2: every chunk carries cumulative usage (with or without include_usage), keys in
 * alphabetical order, no system_fingerprint; the last content chunk carries finish_reason.
 */
function chatStream(input: ReplyInput): string[] {
  const id = responseId();
  const pieces = input.content.length > 0 ? input.content : [""];
  return [
    ...pieces.map((content, i) => {
      const last = i === pieces.length - 1;
      const completion = last ? input.usage.completionTokens : Math.floor((input.usage.completionTokens * (i + 1)) / pieces.length);
      const choice = { delta: { content, role: "assistant" }, ...(last ? { finish_reason: "stop" } : {}), index: 0 };
      return sse({ choices: [choice], created: input.created, id, model: input.model, object: "chat.completion.chunk", usage: usage(input.usage, completion) });
    }),
    // The terminator is UNVERIFIED for Gemini (providers.md 4.2); OpenAI's is assumed.
    sseDone,
  ];
}

export const gemini: Dialect = {
  basePath: "/v1beta/openai",
  defaultApiKey: "test-gemini-key",
  // the OpenAI compatibility layer takes a bearer; the native API its own forms (gemini-native.ts)
  authorized: (headers, apiKey, search, path) =>
    isNativePath(path) ? nativeAuthorized(headers, apiKey, search) : headers.get("authorization") === `Bearer ${apiKey}`,
  unauthorizedBody: (_presented, path) => (isNativePath(path) ? nativeError(401, "API key not valid. Please pass a valid API key.") : error(401, messages[401] ?? "")),
  route: (method, path) =>
    isNativePath(path) ? nativeRoute(method, path)
    : routeTable(
      { "POST /v1beta/openai/chat/completions": "chat", "POST /v1beta/openai/embeddings": "embeddings", "GET /v1beta/openai/models": "models" },
      method,
      path,
      () => error(404, `Method not found: ${method} ${path}`),
    ),
  errorBody: (status, message, path = "") => (isNativePath(path) ? nativeError : error)(status, message ?? messages[status] ?? `Mock error ${status}`),
  responseHeaders: () => ({ "server-timing": "gfet4t7; dur=412", vary: "Origin, X-Origin, Referer" }),
  jsonContentType: "application/json; charset=UTF-8",
  streamContentType: "text/event-stream",
  responseModel: (model) => model,
  reply: (kind, input) =>
    kind === "embeddings" ? embeddingsBody(input, embeddingUsage(input.usage))
    : kind !== "chat" ? nativeReply(kind, input)
    : {
        choices: [{ finish_reason: "stop", index: 0, message: { content: joined(input), role: "assistant" } }],
        created: input.created,
        id: responseId(),
        model: input.model,
        object: "chat.completion",
        usage: usage(input.usage),
      },
  stream: (kind, input) => (kind === "generate" ? nativeStream(input) : chatStream(input)),
  models: () => modelList(["models/gemini-2.5-flash", "models/gemini-2.5-pro", "models/gemini-embedding-001"], "google"),
};
