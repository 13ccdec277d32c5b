/** Provider colours: one per provider, far enough apart in hue to tell apart (Anthropic and Groq were both orange-red). */
import { expect, test } from "bun:test";
import { providerColor, providerColors } from "../../src/dashboard/ui/provider-colors.ts";
import { providerIds } from "../../src/providers/types.ts";

function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

test("every provider has its own colour, at least 25° of hue from every other", () => {
  const colors = providerIds.map((id) => providerColor(id.toUpperCase()));
  expect(colors.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
  for (let i = 0; i < colors.length; i++)
    for (let j = i + 1; j < colors.length; j++) {
      const d = Math.abs(hue(colors[i]!) - hue(colors[j]!));
      expect({ pair: [providerIds[i], providerIds[j]], far: Math.min(d, 360 - d) >= 25 }).toEqual({ pair: [providerIds[i], providerIds[j]], far: true });
    }
  expect(providerColors.ANTHROPIC).not.toBe(providerColors.GROQ);
});

test("a provider the list does not know still gets the same colour every time", () => {
  expect(providerColor("SOMEDAY")).toBe(providerColor("SOMEDAY"));
  expect(providerColor("SOMEDAY")).toMatch(/^#[0-9a-f]{6}$/);
});
