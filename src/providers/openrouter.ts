import { openAiChatUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * OpenRouter (https://openrouter.ai/docs/api-reference/overview): one OpenAI-compatible API for many
 * vendors' models, named `vendor/model`; `Authorization: Bearer`. Every response, streamed or not,
 * ends with the usage object (https://openrouter.ai/docs/use-cases/usage-accounting), so the request
 * is left as it is. Vendor prefixes another provider serves under the same name stay that provider's
 * where their prefix is longer (`openai/gpt-oss-*`, `meta-llama/*`, `moonshotai/*`, `qwen*` are Groq's):
 * send X-Lectr-Provider: openrouter for those.
 */
export const openrouter: Provider = {
  id: "openrouter",
  label: "OpenRouter",
  colour: "#4d8f1c",
  telemetryName: "openrouter",
  upstream: { from: "config", defaultBaseUrl: "https://openrouter.ai/api/v1", description: "OpenRouter upstream base" },
  detect: {
    prefixes: ["openrouter/", "openai/", "anthropic/", "google/", "mistralai/", "x-ai/", "deepseek/", "cohere/", "perplexity/", "amazon/", "microsoft/", "nvidia/", "nousresearch/"],
    exact: [],
  },
  auth: "bearer",
  credentials: ["bearer"],
  // the Responses API: https://openrouter.ai/docs/api-reference/responses-api/overview
  serves: ["chat_completions", "completions", "embeddings", "responses", "response_object", "other"],
  injectStreamUsage: false,
  chatUsage: openAiChatUsage,
  url: appendPath,
};
