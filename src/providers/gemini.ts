import { appendPath, type Provider } from "./provider.ts";

/**
 * Gemini's OpenAI compatibility layer: cumulative usage on every chunk whether
 * asked or not (providers.md §4.2); errors come wrapped in a JSON array (§4.4).
 */
export const gemini: Provider = {
  id: "gemini",
  auth: "bearer",
  injectStreamUsage: false,
  arrayErrorBodies: true,
  url: appendPath,
};
