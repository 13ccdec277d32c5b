import { compatibleDialect } from "./compatible.ts";

/** Mistral (https://docs.mistral.ai/api/): usage on the last stream chunk unasked; plain counts, no details; errors `{"object":"error",…}`. */
export const mistral = compatibleDialect({
  basePath: "/v1",
  apiKey: "test-mistral-key",
  owner: "mistralai",
  routes: { "POST /v1/chat/completions": "chat", "POST /v1/embeddings": "embeddings", "GET /v1/models": "models" },
  usage: (u) => ({ prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens }),
  streamUsage: "last-chunk",
  error: (status, message) => JSON.stringify({ object: "error", message, type: "invalid_request_error", param: null, code: String(status) }),
  models: ["mistral-large-latest", "mistral-small-latest", "mistral-embed"],
});
