import { appendPath, type Provider } from "./provider.ts";

/**
 * Anthropic's OpenAI SDK compatibility layer: Bearer auth, `stream_options`
 * "fully supported"; usage observed on the finish_reason chunk (providers.md §2.1, §2.3).
 */
export const anthropic: Provider = {
  id: "anthropic",
  auth: "bearer",
  injectStreamUsage: true,
  arrayErrorBodies: false,
  url: appendPath,
};
