import { hex, randomString } from "../ids.ts";
import { contentDeltas, embeddingsBody, joined, modelList, routeTable, sse, sseDone, textCompletionBody, textCompletionStream } from "../shapes.ts";
import type { Dialect, ReplyInput } from "../types.ts";
import { embeddingUsage, openaiUsage } from "../usage.ts";
import { responsesBody, responsesStream } from "../responses.ts";

const fingerprint = "fp_d0469e1700";

/** OpenAI's envelope (providers.md 1.4): message, type, param, code. */
const error = (message: string, type: string, code: string | null) =>
  JSON.stringify({ error: { message, type, param: null, code } });

/** Bodies per status; texts from providers.md 1.4 and OpenAI's error-code guide. */
const errors: Record<number, [message: string, type: string, code: string | null]> = {
  400: ["We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", "invalid_request_error", null],
  403: ["Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory"],
  404: ["The model `gpt-mock` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"],
  429: ["Rate limit reached for gpt-4o in organization org-mock on tokens per min (TPM): Limit 30000, Used 30000, Requested 601. Please try again in 1.202s. Visit https://platform.openai.com/account/rate-limits to learn more.", "tokens", "rate_limit_exceeded"],
  500: ["The server had an error while processing your request. Sorry about that!", "server_error", null],
  503: ["The server is overloaded or not ready yet.", "server_error", "server_is_overloaded"],
};

export function openaiErrorBody(status: number, message?: string): string {
  const [text, type, code] = errors[status] ?? [`Mock error ${status}`, status >= 500 ? "server_error" : "invalid_request_error", null];
  return error(message ?? text, type, code);
}

/** The key as OpenAI echoes it in a 401: first 8 characters, stars, last 4. */
const maskKey = (key: string) => `${key.slice(0, 8)}${"*".repeat(Math.max(key.length - 12, 3))}${key.slice(-4)}`;

/** Chunks as in the verbatim capture of providers.md 1.2 (field order kept, `obfuscation` padding included). */
function chatStream(input: ReplyInput): string[] {
  const head = { id: `chatcmpl-${randomString(29)}`, object: "chat.completion.chunk", created: input.created, model: input.model, service_tier: "default", system_fingerprint: fingerprint };
  const tail = () => ({ ...(input.includeUsage ? { usage: null } : {}), obfuscation: randomString(8) });
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...tail() });
  return [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...contentDeltas(input.content).map((delta) => chunk(delta, null)),
    chunk({}, "stop"),
    // Only on opt-in: "an additional chunk … the `choices` field will always be an empty array" (1.2).
    ...(input.includeUsage ? [sse({ ...head, choices: [], usage: openaiUsage(input.usage), obfuscation: randomString(11) })] : []),
    sseDone,
  ];
}

/** Non-stream reply shaped like providers.md 1.3. */
const chatBody = (input: ReplyInput) => ({
  id: `chatcmpl-${randomString(29)}`,
  object: "chat.completion",
  created: input.created,
  model: input.model,
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: joined(input), refusal: null, annotations: [] } }],
  usage: openaiUsage(input.usage),
  service_tier: "default",
  system_fingerprint: fingerprint,
});

export const openai: Dialect = {
  basePath: "/v1",
  defaultApiKey: "sk-test-openai",
  authorized: (headers, apiKey) => headers.get("authorization") === `Bearer ${apiKey}`,
  unauthorizedBody: (presented) =>
    presented
      ? error(`Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key")
      : error("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.", "invalid_request_error", null),
  route: (method, path) =>
    routeTable(
      {
        "POST /v1/chat/completions": "chat",
        "POST /v1/completions": "completions",
        "POST /v1/embeddings": "embeddings",
        "POST /v1/responses": "responses",
        "GET /v1/models": "models",
      },
      method,
      path,
      () => error(`Invalid URL (${method} ${path})`, "invalid_request_error", null),
    ),
  errorBody: openaiErrorBody,
  // providers.md 1.1: x-request-id, openai-version, openai-processing-ms.
  responseHeaders: () => ({ "x-request-id": `req_${hex(32)}`, "openai-version": "2020-10-01", "openai-processing-ms": "42" }),
  jsonContentType: "application/json",
  streamContentType: "text/event-stream; charset=utf-8",
  // providers.md 0, implication 6: undated aliases come back as dated snapshots.
  responseModel: (model) => (model === "gpt-4o" ? "gpt-4o-2024-08-06" : model),
  reply: (kind, input) =>
    kind === "chat" ? chatBody(input)
    : kind === "responses" ? responsesBody(input)
    : kind === "completions" ? textCompletionBody(`cmpl-${randomString(29)}`, input, openaiUsage(input.usage))
    : embeddingsBody(input, embeddingUsage(input.usage)),
  stream: (kind, input) =>
    kind === "chat" ? chatStream(input)
    : kind === "responses" ? responsesStream(input)
    : textCompletionStream(`cmpl-${randomString(29)}`, input, openaiUsage(input.usage)),
  models: () => modelList(["gpt-4o", "gpt-4o-mini", "o3-mini", "text-embedding-3-small"], "system"),
};
