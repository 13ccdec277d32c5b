/**
 * Chart colours per provider, one place for all views (and the CSS swatches).
 * Distinct in hue from each other, Anthropic's clay and Groq's red included,
 * and readable on light and dark panels.
 */
export const providerColors: Record<string, string> = {
  OPENAI: "#10a37f",
  ANTHROPIC: "#c2773a",
  GROQ: "#d62e5c",
  GEMINI: "#4285f4",
  AZURE: "#8661c5",
};

/** A stable colour for a provider this list does not know yet. */
export function providerColor(id: string): string {
  return providerColors[id] ?? fallback[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % fallback.length]!;
}

const fallback = ["#0e7490", "#a16207", "#be185d", "#4d7c0f", "#7c3aed", "#475569"];
