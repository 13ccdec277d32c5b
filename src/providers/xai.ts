import { asObject, openAiStyleUsage, reported } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * xAI's API (https://docs.x.ai/docs/api-reference): OpenAI-shaped chat completions and the Responses
 * API, `Authorization: Bearer`; streamed chat usage with `stream_options.include_usage`, so Lectr asks.
 * Reasoning models report `completion_tokens_details.reasoning_tokens` outside completion_tokens
 * (total_tokens = prompt + completion + reasoning), and reasoning is billed as output: where the
 * total says so, output is completion plus reasoning.
 */
export const xai: Provider = {
  id: "xai",
  label: "xAI",
  colour: "#b62fc4",
  telemetryName: "xai",
  upstream: { from: "config", defaultBaseUrl: "https://api.x.ai/v1", description: "xAI upstream base" },
  detect: { prefixes: ["grok-"], exact: [] },
  auth: "bearer",
  credentials: ["bearer"],
  // images: https://docs.x.ai/docs/guides/image-generations
  serves: ["chat_completions", "responses", "response_object", "images", "other"],
  injectStreamUsage: true,
  chatUsage(body) {
    const usage = asObject(body.usage);
    if (!usage) return undefined;
    const base = openAiStyleUsage(usage);
    if (!base) return undefined;
    const reasoning = reported(asObject(usage.completion_tokens_details)?.reasoning_tokens);
    const total = reported(usage.total_tokens);
    if (reasoning === undefined || total !== base.inputTokens + base.outputTokens + reasoning || reasoning === 0) return base;
    return { ...base, outputTokens: base.outputTokens + reasoning, reasoningTokens: reasoning };
  },
  url: appendPath,
};
