import { appendPath, type Provider } from "./provider.ts";

/**
 * Streams carry usage only when `stream_options.include_usage` is set, as one
 * extra `choices: []` chunk before `[DONE]` (providers.md §1.2).
 */
export const openai: Provider = {
  id: "openai",
  auth: "bearer",
  injectStreamUsage: true,
  arrayErrorBodies: false,
  url: appendPath,
};
