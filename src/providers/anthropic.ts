import { asObject, openAiStyleUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * Anthropic: its native Messages API (`/v1/messages`, usage by endpoint row) and its OpenAI SDK
 * compatibility layer (`/v1/chat/completions`). The layer documents `stream_options` as "Fully
 * supported", OpenAI's opt-in for streamed usage, and nothing documents usage arriving unasked
 * (https://docs.anthropic.com/en/api/openai-sdk#simple-fields), so Lectr asks; usage is then
 * observed on the finish_reason chunk (providers.md §2.1, §2.3). Credentials (`x-api-key` or
 * `Authorization: Bearer`) and `anthropic-version` / `anthropic-beta` pass as sent.
 */
export const anthropic: Provider = {
  id: "anthropic",
  label: "Anthropic",
  colour: "#c2773a",
  telemetryName: "anthropic",
  upstream: {
    from: "config",
    defaultBaseUrl: "https://api.anthropic.com/v1",
    description: "Anthropic base: /v1/messages and the OpenAI-SDK-compatible /v1/chat/completions",
  },
  // Anthropic's SDKs send anthropic-version on every call (models, batches, count_tokens have no model to go by).
  detect: { prefixes: ["claude-"], exact: [], headers: ["anthropic-version"] },
  auth: "bearer",
  // the native API's x-api-key; the OpenAI SDK compatibility layer takes a bearer
  credentials: ["x-api-key", "bearer"],
  serves: ["chat_completions", "messages", "other"],
  injectStreamUsage: true,
  // "1-hour cache write tokens are 2 times the base input tokens price"
  // (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing)
  cacheWrite1hInputMultiple: 2,
  chatUsage(body) {
    const usage = asObject(body.usage);
    // §2.5: details are "always empty"; genai-prices reads a top-level `cached_tokens` (unverified), so accept it.
    return usage && openAiStyleUsage(usage, usage.cached_tokens);
  },
  url: appendPath,
};
