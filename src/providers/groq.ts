import { asObject, openAiStyleUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * Groq sends usage on the finish chunk without being asked (`x_groq.usage`,
 * and top-level `usage` since Feb 2026), so the request is left as it is (providers.md §3.2).
 * Model ids from §3.6; cached via prompt_tokens_details, reasoning via completion_tokens_details (§3.5).
 */
export const groq: Provider = {
  id: "groq",
  label: "Groq",
  colour: "#d62e5c",
  telemetryName: "groq",
  upstream: { from: "config", defaultBaseUrl: "https://api.groq.com/openai/v1", description: "Groq upstream base" },
  detect: {
    prefixes: [
      "llama-",
      "llama3-",
      "meta-llama/",
      "mixtral-",
      "gemma2-",
      "qwen",
      "deepseek-r1-distill-",
      "openai/gpt-oss-",
      "moonshotai/",
      "whisper-large-v3",
      "distil-whisper-",
      "mistral-saba-",
      "canopylabs/",
      "groq/",
      "allam-",
      "playai-tts",
    ],
    exact: ["gemma-7b-it"],
  },
  auth: "bearer",
  credentials: ["bearer"],
  // no embeddings (providers.md §3.1); the Responses API: https://console.groq.com/docs/responses-api;
  // batches: https://console.groq.com/docs/batch; audio: https://console.groq.com/docs/speech-to-text, /text-to-speech
  serves: ["chat_completions", "responses", "response_object", "batches", "audio_transcriptions", "audio_speech", "other"],
  injectStreamUsage: false,
  chatUsage(body) {
    const usage = asObject(body.usage) ?? asObject(asObject(body.x_groq)?.usage);
    return usage && openAiStyleUsage(usage);
  },
  url: appendPath,
};
