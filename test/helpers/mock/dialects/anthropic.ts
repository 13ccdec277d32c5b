import { randomString } from "../ids.ts";
import { contentDeltas, joined, routeTable, sse, sseDone } from "../shapes.ts";
import type { Dialect, MockUsage, ReplyInput } from "../types.ts";
import { messagesBody, messagesStream } from "../messages.ts";

/**
 * The compat layer's envelope, from the one verbatim compat 400 (providers.md 2.4):
 * `{"error":{"code","message","type","param"}}` with code = type.
 */
const error = (type: string, message: string) => JSON.stringify({ error: { code: type, message, type, param: null } });

/** Native status → type table (providers.md 2.4); the compat layer keeps the statuses. */
const errors: Record<number, [type: string, message: string]> = {
  400: ["invalid_request_error", "Failed to parse JSON: "],
  401: ["authentication_error", "Invalid authentication credentials"],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "model: claude-mock"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute."],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

/** Usage fields are "Fully supported", the details "Always empty" (providers.md 2.5). */
const usage = (u: MockUsage) => ({ prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens });

/** Native-style message ids; the compat chunk id format is UNVERIFIED (providers.md 2.3). */
const messageId = () => `msg_01${randomString(22)}`;

/**
 * Usage rides on the finish_reason chunk, adding no chunk (providers.md 2.3), and only when asked:
 * the layer documents `stream_options` as "Fully supported", i.e. OpenAI's opt-in
 * (https://docs.anthropic.com/en/api/openai-sdk#simple-fields); nothing documents usage arriving unasked.
 */
function chatStream(input: ReplyInput): string[] {
  const head = { id: messageId(), object: "chat.completion.chunk", created: input.created, model: input.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: object = {}) =>
    sse({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...contentDeltas(input.content).map((delta) => chunk(delta, null)),
    chunk({}, "stop", input.includeUsage ? { usage: usage(input.usage) } : {}),
    sseDone,
  ];
}

export const anthropic: Dialect = {
  basePath: "/v1",
  defaultApiKey: "sk-ant-test-anthropic",
  // Bearer per the docs; x-api-key reportedly also accepted (providers.md 2.1).
  authorized: (headers, apiKey) => headers.get("authorization") === `Bearer ${apiKey}` || headers.get("x-api-key") === apiKey,
  unauthorizedBody: () => error("authentication_error", "Invalid authentication credentials"),
  route: (method, path) =>
    routeTable({ "POST /v1/chat/completions": "chat", "POST /v1/messages": "messages", "GET /v1/models": "models" }, method, path, () =>
      error("not_found_error", "Not Found")),
  errorBody(status, message) {
    const [type, text] = errors[status] ?? [status >= 500 ? "api_error" : "invalid_request_error", `Mock error ${status}`];
    return error(type, message ?? text);
  },
  // providers.md 2.2: request-id "Fully supported", openai-version "Always 2020-10-01".
  responseHeaders: () => ({ "request-id": `req_011C${randomString(20)}`, "openai-version": "2020-10-01" }),
  jsonContentType: "application/json",
  streamContentType: "text/event-stream; charset=utf-8",
  responseModel: (model) => model,
  reply: (kind, input) =>
    kind === "messages" ? messagesBody(input)
    : {
        id: messageId(),
        object: "chat.completion",
        created: input.created,
        model: input.model,
        choices: [{ index: 0, message: { role: "assistant", content: joined(input) }, finish_reason: "stop" }],
        usage: usage(input.usage),
      },
  stream: (kind, input) => (kind === "messages" ? messagesStream(input) : chatStream(input)),
  // /v1/models is the native endpoint on the same host, so it answers in the native list shape.
  models: () => ({
    data: [{ type: "model", id: "claude-sonnet-4-5-20250929", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" }],
    has_more: false,
    first_id: "claude-sonnet-4-5-20250929",
    last_id: "claude-sonnet-4-5-20250929",
  }),
};
