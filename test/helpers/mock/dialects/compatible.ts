/**
 * The dialect of an OpenAI-compatible provider, as data: its paths, key, usage object, where its
 * streamed usage sits and its error envelope. Mistral, DeepSeek, xAI and OpenRouter each describe
 * theirs in a few lines with this.
 */
import { randomString } from "../ids.ts";
import { contentDeltas, embeddingsBody, joined, modelList, routeTable, sse, sseDone } from "../shapes.ts";
import type { Dialect, MockUsage, ReplyInput, RouteKind } from "../types.ts";
import { embeddingUsage } from "../usage.ts";

export interface CompatibleSpec {
  basePath: string;
  apiKey: string;
  owner: string;
  /** `METHOD /path` → what it serves. */
  routes: Record<string, RouteKind>;
  usage(u: MockUsage): Record<string, unknown>;
  /** "last-chunk": usage rides on the finish chunk unasked; "asked": OpenAI's extra `choices: []` chunk with include_usage. */
  streamUsage: "last-chunk" | "asked";
  error(status: number, message: string): string;
  models: string[];
}

export function compatibleDialect(spec: CompatibleSpec): Dialect {
  const chatStream = (input: ReplyInput): string[] => {
    const head = { id: `chatcmpl-${randomString(24)}`, object: "chat.completion.chunk", created: input.created, model: input.model };
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: object = {}) =>
      sse({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
    const usage = spec.usage(input.usage);
    return [
      chunk({ role: "assistant", content: "" }, null),
      ...contentDeltas(input.content).map((delta) => chunk(delta, null)),
      chunk({}, "stop", spec.streamUsage === "last-chunk" ? { usage } : {}),
      ...(spec.streamUsage === "asked" && input.includeUsage ? [sse({ ...head, choices: [], usage })] : []),
      sseDone,
    ];
  };
  return {
    basePath: spec.basePath,
    defaultApiKey: spec.apiKey,
    authorized: (headers, apiKey) => headers.get("authorization") === `Bearer ${apiKey}`,
    unauthorizedBody: () => spec.error(401, "Unauthorized"),
    route: (method, path) => routeTable(spec.routes, method, path, () => spec.error(404, `Not found: ${method} ${path}`)),
    errorBody: (status, message) => spec.error(status, message ?? `Mock error ${status}`),
    responseHeaders: () => ({ "x-request-id": randomString(16) }),
    jsonContentType: "application/json",
    streamContentType: "text/event-stream",
    responseModel: (model) => model,
    reply: (kind, input) =>
      kind === "embeddings" ? embeddingsBody(input, embeddingUsage(input.usage))
      : {
          id: `chatcmpl-${randomString(24)}`,
          object: "chat.completion",
          created: input.created,
          model: input.model,
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: joined(input) } }],
          usage: spec.usage(input.usage),
        },
    stream: (_kind, input) => chatStream(input),
    models: () => modelList(spec.models, spec.owner),
  };
}

/** OpenAI's error envelope, which all four use. */
export const openAiError = (status: number, message: string) =>
  JSON.stringify({ error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: String(status) } });
