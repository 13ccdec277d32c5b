import { openAiChatUsage } from "./openai-usage.ts";
import { appendPath, type Provider } from "./provider.ts";

/**
 * Mistral's API (https://docs.mistral.ai/api/): OpenAI-shaped chat completions and embeddings,
 * `Authorization: Bearer`. A stream's last chunk carries `usage` without being asked, so the
 * request is left as it is. Groq's `mistral-saba-*` stays Groq's (the longer prefix wins).
 */
export const mistral: Provider = {
  id: "mistral",
  label: "Mistral",
  colour: "#a89200",
  telemetryName: "mistral_ai",
  upstream: { from: "config", defaultBaseUrl: "https://api.mistral.ai/v1", description: "Mistral upstream base" },
  detect: {
    prefixes: ["mistral-", "open-mistral-", "open-mixtral-", "codestral-", "pixtral-", "ministral-", "magistral-", "devstral-", "voxtral-"],
    exact: ["mistral-embed", "codestral-latest"],
  },
  auth: "bearer",
  credentials: ["bearer"],
  // transcriptions: https://docs.mistral.ai/capabilities/audio_transcription
  serves: ["chat_completions", "embeddings", "audio_transcriptions", "other"],
  injectStreamUsage: false,
  chatUsage: openAiChatUsage,
  url: appendPath,
};
