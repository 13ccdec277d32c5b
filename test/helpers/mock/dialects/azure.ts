import { randomString } from "../ids.ts";
import { contentDeltas, embeddingsBody, joined, sse, sseDone, textCompletionBody, textCompletionStream } from "../shapes.ts";
import type { Dialect, ReplyInput } from "../types.ts";
import { embeddingUsage, openaiUsage } from "../usage.ts";

const fingerprint = "fp_ded0d14823";

/** Azure's envelope (providers.md 5.4): `{"error":{"code","message"}}`, code a string. */
const error = (code: string, message: string) => JSON.stringify({ error: { code, message } });

const resourceNotFound = () => error("404", "Resource not found");

const errors: Record<number, string> = {
  400: "Invalid request body.",
  401: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  404: "Resource not found",
  429: "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 86400 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
  500: "The service is temporarily unable to process your request. Please try again later.",
};

const safe = { filtered: false, severity: "safe" };
const filters = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
const promptFilterResults = [{ prompt_index: 0, content_filter_results: filters }];

/** Dated data-plane paths (providers.md 5.1): /openai/deployments/{deployment}/{operation}?api-version=. */
const deploymentPath = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;
const operations = { "chat/completions": "chat", completions: "completions", embeddings: "embeddings" } as const;
/** The v1 API (providers.md 5.1): /openai/v1/{operation}, no api-version, the body's model names the deployment. */
const v1Path = /^\/openai\/v1\/(chat\/completions|completions|embeddings)$/;

/** providers.md 5.2: a `choices: []` chunk with prompt_filter_results first, then OpenAI-style chunks with per-choice filter results. */
function chatStream(input: ReplyInput): string[] {
  const head = { id: `chatcmpl-${randomString(29)}`, object: "chat.completion.chunk", created: input.created, model: input.model, system_fingerprint: fingerprint };
  const nullUsage = input.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null, filterResults: object) =>
    sse({ ...head, choices: [{ index: 0, content_filter_results: filterResults, delta, finish_reason: finish, logprobs: null }], ...nullUsage });
  return [
    sse({ id: "", choices: [], created: 0, model: "", object: "", system_fingerprint: null, prompt_filter_results: promptFilterResults }),
    chunk({ role: "assistant", content: "", refusal: null }, null, {}),
    ...contentDeltas(input.content).map((delta) => chunk(delta, null, filters)),
    chunk({}, "stop", {}),
    ...(input.includeUsage ? [sse({ ...head, choices: [], usage: openaiUsage(input.usage) })] : []),
    sseDone,
  ];
}

/** Non-stream reply shaped like providers.md 5.3. */
const chatBody = (input: ReplyInput) => ({
  id: `chatcmpl-${randomString(29)}`,
  object: "chat.completion",
  created: input.created,
  model: input.model,
  system_fingerprint: fingerprint,
  prompt_filter_results: promptFilterResults,
  choices: [{ index: 0, finish_reason: "stop", logprobs: null, content_filter_results: filters, message: { role: "assistant", content: joined(input), refusal: null } }],
  usage: openaiUsage(input.usage),
});

export const azure: Dialect = {
  basePath: "",
  defaultApiKey: "test-azure-key",
  // The dated API's key header (providers.md 5.1); Entra bearer tokens are out of scope for the mock.
  authorized: (headers, apiKey) => headers.get("api-key") === apiKey,
  unauthorizedBody: () => error("401", errors[401] ?? ""),
  route(method, path, search, opts) {
    const v1 = v1Path.exec(path);
    if (v1 && method === "POST") return { ok: true, kind: operations[v1[1] as keyof typeof operations] };
    const match = deploymentPath.exec(path);
    if (!match || method !== "POST" || !search.has("api-version")) return { ok: false, status: 404, body: resourceNotFound() };
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(search.get("api-version") ?? "")) {
      return { ok: false, status: 400, body: error("BadRequest", "API version not supported") };
    }
    const deploymentModel = opts.azureDeployments[decodeURIComponent(match[1] ?? "")];
    if (deploymentModel === undefined) {
      return { ok: false, status: 404, body: error("DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.") };
    }
    return { ok: true, kind: operations[match[2] as keyof typeof operations], deploymentModel };
  },
  errorBody: (status, message) => error(String(status), message ?? errors[status] ?? `Mock error ${status}`),
  responseHeaders: () => ({ "apim-request-id": crypto.randomUUID(), "x-ms-region": "East US" }),
  jsonContentType: "application/json",
  streamContentType: "text/event-stream; charset=utf-8",
  // Azure names the deployment's underlying snapshot, not the deployment (providers.md 5.5).
  responseModel: (requestModel, route) => route.deploymentModel ?? requestModel,
  reply: (kind, input) =>
    kind === "chat" ? chatBody(input)
    : kind === "completions" ? textCompletionBody(`cmpl-${randomString(29)}`, input, openaiUsage(input.usage))
    : embeddingsBody(input, embeddingUsage(input.usage)),
  stream: (kind, input) =>
    kind === "chat" ? chatStream(input) : textCompletionStream(`cmpl-${randomString(29)}`, input, openaiUsage(input.usage)),
  models: () => ({ object: "list", data: [] }),
};
