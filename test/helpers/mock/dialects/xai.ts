import { compatibleDialect, openAiError } from "./compatible.ts";

/**
 * xAI (https://docs.x.ai/docs/api-reference): reasoning tokens reported apart from completion_tokens,
 * total_tokens counting both; streamed usage with include_usage.
 */
export const xai = compatibleDialect({
  basePath: "/v1",
  apiKey: "xai-test-key",
  owner: "xai",
  routes: { "POST /v1/chat/completions": "chat", "GET /v1/models": "models" },
  usage: (u) => ({
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens + u.reasoningTokens,
    prompt_tokens_details: { text_tokens: u.promptTokens, audio_tokens: 0, image_tokens: 0, cached_tokens: u.cachedTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  }),
  streamUsage: "asked",
  error: openAiError,
  models: ["grok-4", "grok-3-mini"],
});
