import { openAiChatUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * Streams carry usage only when `stream_options.include_usage` is set, as one
 * extra `choices: []` chunk before `[DONE]` (providers.md §1.2). Model ids from §1.6.
 */
export const openai: Provider = {
  id: "openai",
  label: "OpenAI",
  colour: "#10a37f",
  telemetryName: "openai",
  upstream: { from: "config", defaultBaseUrl: "https://api.openai.com/v1", description: "OpenAI upstream base" },
  detect: {
    prefixes: [
      "gpt-",
      "o1",
      "o3",
      "o4",
      "chatgpt-",
      "text-embedding-",
      "davinci",
      "babbage",
      "dall-e-",
      "whisper-",
      "tts-",
      "gpt-image-",
      "omni-moderation-",
      "codex-mini",
      "computer-use-",
    ],
    exact: ["whisper-1", "text-moderation-latest", "text-moderation-stable"],
  },
  auth: "bearer",
  credentials: ["bearer"],
  serves: ["chat_completions", "completions", "embeddings", "responses", "other"],
  injectStreamUsage: true,
  chatUsage: openAiChatUsage,
  url: appendPath,
};
