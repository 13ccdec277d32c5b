import { appendPath, type Provider } from "./provider.ts";

/**
 * Groq sends usage on the finish chunk without being asked (`x_groq.usage`,
 * and top-level `usage` since Feb 2026), so the request is left as it is (providers.md §3.2).
 */
export const groq: Provider = {
  id: "groq",
  auth: "bearer",
  injectStreamUsage: false,
  arrayErrorBodies: false,
  url: appendPath,
};
