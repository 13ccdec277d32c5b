/**
 * A provider is one file: everything that lists providers follows the registry, so a provider file and
 * its registry entry are all it takes for Lectr to know it everywhere.
 */
import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { providers } from "../../src/providers/index.ts";
import { providerIds } from "../../src/providers/types.ts";
import { providerDisplay } from "../../src/providers/display.ts";
import { parseProviderHeader, detectProvider } from "../../src/providers/detect.ts";
import { httpError } from "../../src/http/errors.ts";
import { providerColors } from "../../src/dashboard/ui/components/chart.tsx";
import { providerNames, providers as dashboardProviders } from "../../src/dashboard/ui/components/period-bar.tsx";

const schema = await Bun.file(new URL("../../schema/schema.graphql", import.meta.url)).text();

test.each(providerIds)("%s is known everywhere a provider is listed", (id) => {
  const p = providers[id];
  expect(p.id).toBe(id);
  // X-Lectr-Provider, its error text, the GraphQL enum
  expect(parseProviderHeader(id.toUpperCase())).toBe(id);
  expect(httpError({ kind: "invalid_provider", value: "x" }).body.error.message).toContain(id);
  expect(schema).toMatch(new RegExp(`enum Provider \\{[^}]*\\b${id.toUpperCase()}\\b`));
  // the dashboard's filter, names and colours
  expect(dashboardProviders).toContain(id.toUpperCase());
  expect([providerNames[id.toUpperCase()], providerColors[id.toUpperCase()]]).toEqual([p.label, p.colour]);
  expect(providerDisplay.find((d) => d.id === id)).toEqual({ id, value: id.toUpperCase(), label: p.label, colour: p.colour });
  // its base-URL setting, and its detection rules
  if (p.upstream.from === "config") {
    const env = `LECTR_${id.toUpperCase()}_BASE_URL`;
    expect(loadConfig({ [env]: "http://127.0.0.1:9/x" }).baseUrls[id]).toBe("http://127.0.0.1:9/x");
  }
  for (const prefix of p.detect.prefixes) expect(detectProvider(`${prefix}x-test-model`)).toBe(id);
  for (const exact of p.detect.exact) expect(detectProvider(exact)).toBe(id);
});

test("every provider has its own colour and name", () => {
  expect(new Set(providerIds.map((id) => providers[id].colour)).size).toBe(providerIds.length);
  expect(new Set(providerIds.map((id) => providers[id].label)).size).toBe(providerIds.length);
});
