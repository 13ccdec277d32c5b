import { groqRequestId } from "../ids.ts";
import { contentDeltas, joined, modelList, routeTable, sse, sseDone } from "../shapes.ts";
import type { Dialect, MockUsage, ReplyInput } from "../types.ts";

const fingerprint = "fp_caa2017b29";

/** Groq's envelope has no `param` (providers.md 3.4). */
const error = (message: string, type: string, code: string | null) => JSON.stringify({ error: { message, type, code } });

const errors: Record<number, [message: string, type: string, code: string | null]> = {
  400: ["'messages' : property 'messages' is missing", "invalid_request_error", null],
  401: ["Invalid API Key", "invalid_request_error", "invalid_api_key"],
  404: ["The model `llama-mock` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"],
  429: ["Rate limit reached for model llama-3.3-70b-versatile in organization org_mock service tier on_demand on tokens per minute (TPM): Limit 12000, Used 11972, Requested 4351. Please try again in 5.289s. Visit https://console.groq.com/docs/rate-limits for more information.", "tokens", "rate_limit_exceeded"],
  498: ["Flex tier capacity exceeded. This is a temporary error due to high demand, please try again later.", "capacity_exceeded", "capacity_exceeded"],
  500: ["Internal Server Error", "internal_server_error", null],
  503: ["Service Unavailable", "internal_server_error", "service_unavailable"],
};

/** Usage with Groq's timing fields (providers.md 3.2, 3.5). */
const usage = (u: MockUsage) => ({
  queue_time: 0.00491786,
  prompt_tokens: u.promptTokens,
  prompt_time: 0.01460151,
  completion_tokens: u.completionTokens,
  completion_time: 0.11216431,
  total_tokens: u.promptTokens + u.completionTokens,
  total_time: 0.12676582,
  prompt_tokens_details: { cached_tokens: u.cachedTokens },
  completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
});

/**
 * providers.md 3.2: `x_groq` on the first chunk, usage in `x_groq.usage` plus a top-level copy on the
 * finish chunk (no opt-in needed). The extra `choices: []` chunk on opt-in is this mock's assumption.
 */
function chatStream(input: ReplyInput): string[] {
  const requestId = groqRequestId();
  const head = { id: `chatcmpl-${crypto.randomUUID()}`, object: "chat.completion.chunk", created: input.created, model: input.model, system_fingerprint: fingerprint };
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: object = {}) =>
    sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });
  const final = usage(input.usage);
  return [
    chunk({ role: "assistant", content: "" }, null, { x_groq: { id: requestId, seed: 1234567890 } }),
    ...contentDeltas(input.content).map((delta) => chunk(delta, null)),
    chunk({}, "stop", { x_groq: { id: requestId, usage: final }, usage: final }),
    ...(input.includeUsage ? [sse({ ...head, choices: [], x_groq: { id: requestId }, usage: final })] : []),
    sseDone,
  ];
}

export const groq: Dialect = {
  basePath: "/openai/v1",
  defaultApiKey: "gsk_test_groq",
  authorized: (headers, apiKey) => headers.get("authorization") === `Bearer ${apiKey}`,
  unauthorizedBody: () => error("Invalid API Key", "invalid_request_error", "invalid_api_key"),
  route: (method, path) =>
    routeTable({ "POST /openai/v1/chat/completions": "chat", "GET /openai/v1/models": "models" }, method, path, () =>
      error(`Unknown request URL: ${method} ${path}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`, "invalid_request_error", "unknown_url")),
  errorBody(status, message) {
    const [text, type, code] = errors[status] ?? [`Mock error ${status}`, status >= 500 ? "internal_server_error" : "invalid_request_error", null];
    return error(message ?? text, type, code);
  },
  responseHeaders: () => ({ "x-request-id": groqRequestId(), "x-ratelimit-limit-requests": "1000", "x-ratelimit-remaining-requests": "999" }),
  jsonContentType: "application/json",
  // The Groq stream capture's headers (providers.md 3.2).
  streamContentType: "text/event-stream",
  responseModel: (model) => model,
  // Non-stream reply shaped like providers.md 3.3.
  reply: (_kind, input) => ({
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: input.created,
    model: input.model,
    system_fingerprint: fingerprint,
    choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: joined(input) } }],
    usage: usage(input.usage),
    usage_breakdown: { models: null },
    x_groq: { id: groqRequestId() },
  }),
  stream: (_kind, input) => chatStream(input),
  models: () => modelList(["llama-3.3-70b-versatile", "openai/gpt-oss-120b"], "Groq"),
};
