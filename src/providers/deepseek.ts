import { asObject, openAiStyleUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * DeepSeek's OpenAI-compatible API (https://api-docs.deepseek.com/): `Authorization: Bearer`;
 * streamed usage only with `stream_options.include_usage`, so Lectr asks. Cache reads come as
 * `prompt_cache_hit_tokens` (a part of prompt_tokens); deepseek-reasoner's chain of thought is in
 * completion_tokens (`completion_tokens_details.reasoning_tokens`), billed as output.
 * Groq's `deepseek-r1-distill-*` stays Groq's (the longer prefix wins).
 */
export const deepseek: Provider = {
  id: "deepseek",
  label: "DeepSeek",
  colour: "#0e94b2",
  telemetryName: "deepseek",
  upstream: { from: "config", defaultBaseUrl: "https://api.deepseek.com", description: "DeepSeek upstream base" },
  detect: { prefixes: ["deepseek-"], exact: [] },
  auth: "bearer",
  credentials: ["bearer"],
  serves: ["chat_completions", "other"],
  injectStreamUsage: true,
  chatUsage(body) {
    const usage = asObject(body.usage);
    return usage && openAiStyleUsage(usage, usage.prompt_cache_hit_tokens);
  },
  url: appendPath,
};
