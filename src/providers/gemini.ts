import { asObject, openAiStyleUsage, reported } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";
import { unwrapArrayError } from "./unwrap-error.ts";

/**
 * Gemini's OpenAI compatibility layer: cumulative usage on every chunk whether
 * asked or not (providers.md §4.2); errors come wrapped in a JSON array (§4.4). Model ids from §4.6.
 */
export const gemini: Provider = {
  id: "gemini",
  label: "Gemini",
  colour: "#4285f4",
  telemetryName: "gcp.gemini",
  upstream: { from: "config", defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta/openai", description: "Gemini OpenAI-compatible base; the native API (/v1beta/models/…) is served from its root" },
  detect: {
    prefixes: ["gemini-", "models/gemini-", "models/gemma-", "gemma-3-", "gemma-3n-", "gemma-4-", "models/text-embedding-", "learnlm-"],
    // Gemini's embedding models collide with OpenAI's `text-embedding-` prefix.
    exact: ["text-embedding-004", "embedding-001"],
  },
  auth: "bearer",
  // the native API's x-goog-api-key and ?key=; the OpenAI compatibility layer takes a bearer (providers.md §4.1)
  credentials: ["x-goog-api-key", "key-param", "bearer"],
  serves: ["chat_completions", "embeddings", "other", "generate_content", "count_tokens", "embed_content", "gemini_other"],
  injectStreamUsage: false,
  /**
   * §4.3, §4.5: completion_tokens excludes thinking, total_tokens includes it.
   * Output is billed as total − prompt; the thinking part is that minus completion_tokens.
   */
  chatUsage(body) {
    const usage = asObject(body.usage);
    if (!usage) return undefined;
    const base = openAiStyleUsage(usage);
    if (!base) return undefined;
    const total = reported(usage.total_tokens);
    if (total === undefined || total < base.inputTokens + base.outputTokens) return base;
    // a total of exactly prompt + completion says there was no thinking
    if (total === base.inputTokens + base.outputTokens) return { ...base, reasoningTokens: base.reasoningTokens ?? 0 };
    const outputTokens = total - base.inputTokens;
    return { ...base, outputTokens, reasoningTokens: outputTokens - base.outputTokens };
  },
  unwrapError: unwrapArrayError,
  // the native API (@google/genai's paths, taken whole) lives at the root of the compatibility base
  url: (t) => (t.surface === "gemini" ? `${t.base.replace(/\/v1beta\/openai\/?$/, "")}${t.path}${t.search}` : appendPath(t)),
};
