/**
 * Chart colours per provider (GraphQL enum value → colour), one place for all views and the CSS
 * swatches. Each comes from its provider's file, chosen at least 25° of hue apart from every other
 * (Anthropic's clay and Groq's red included) and readable on light and dark panels.
 */
import { providerDisplay } from "../../providers/display.ts";

export const providerColors: Record<string, string> = Object.fromEntries(providerDisplay.map((p) => [p.value, p.colour]));

/** A stable colour for a provider this list does not know (an old event's provider, say). */
export function providerColor(id: string): string {
  return providerColors[id] ?? fallback[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % fallback.length]!;
}

const fallback = ["#0e7490", "#a16207", "#be185d", "#4d7c0f", "#7c3aed", "#475569"];
