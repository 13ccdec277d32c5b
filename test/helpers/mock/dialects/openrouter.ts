import { compatibleDialect, openAiError } from "./compatible.ts";

/**
 * OpenRouter (https://openrouter.ai/docs/use-cases/usage-accounting): usage (with its credit `cost`)
 * on the last chunk of every stream, reasoning inside completion_tokens.
 */
export const openrouter = compatibleDialect({
  basePath: "/api/v1",
  apiKey: "sk-or-test-openrouter",
  owner: "openrouter",
  routes: { "POST /api/v1/chat/completions": "chat", "POST /api/v1/embeddings": "embeddings", "GET /api/v1/models": "models" },
  usage: (u) => ({
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    cost: 0.0001,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  }),
  streamUsage: "last-chunk",
  error: openAiError,
  models: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4"],
});
