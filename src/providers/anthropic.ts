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
  auth: "bearer",
  injectStreamUsage: true,
  arrayErrorBodies: false,
  url: appendPath,
};
