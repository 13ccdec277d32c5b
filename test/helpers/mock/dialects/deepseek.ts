import { compatibleDialect, openAiError } from "./compatible.ts";

/**
 * DeepSeek (https://api-docs.deepseek.com/api/create-chat-completion): cache hits and misses split
 * the prompt; reasoning inside completion_tokens; streamed usage only with include_usage.
 */
export const deepseek = compatibleDialect({
  basePath: "",
  apiKey: "sk-test-deepseek",
  owner: "deepseek",
  routes: { "POST /chat/completions": "chat", "GET /models": "models" },
  usage: (u) => ({
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_cache_hit_tokens: u.cachedTokens,
    prompt_cache_miss_tokens: u.promptTokens - u.cachedTokens,
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  }),
  streamUsage: "asked",
  error: openAiError,
  models: ["deepseek-chat", "deepseek-reasoner"],
});
