/** The downgrade-path data: the documented tiers, family mapping, and properties every path must keep. */
import { describe, expect, test } from "bun:test";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { detectProvider } from "../../src/providers/detect.ts";
import type { ProviderId } from "../../src/providers/types.ts";
import { tasks } from "../../src/lib/tags.ts";
import { familyOf, pathsFrom } from "../../src/recommend/family.ts";
import { downgradePaths, handledWell, maxAvgOutputTokens, tiers } from "../../src/recommend/paths.ts";

const now = Date.UTC(2026, 10, 1);
const steps = (provider: ProviderId, model: string) => pathsFrom(provider, model).map((p) => [familyOf(provider, p.to), p.tier]);

test("the documented example paths give the stated tiers, from any build of the source", () => {
  expect(steps("anthropic", "claude-3-opus-20240229")).toEqual([
    ["claude-3-5-sonnet", "CONSERVATIVE"],
    ["claude-3-5-haiku", "AGGRESSIVE"],
  ]);
  expect(steps("anthropic", "claude-3-opus-latest")).toEqual(steps("anthropic", "claude-3-opus-20240229"));
  expect(steps("groq", "llama-3.1-70b-versatile")).toEqual([["llama-3.1-8b", "MODERATE"]]);
  expect(steps("gemini", "gemini-1.5-pro")).toEqual([["gemini-1.5-flash", "MODERATE"]]);
  expect(steps("gemini", "gemini-1.5-pro-002")).toEqual([["gemini-1.5-flash", "MODERATE"]]);
  expect(steps("openai", "gpt-4o-2024-08-06")).toEqual([["gpt-4o-mini", "MODERATE"]]);
});

test("the current generation of each provider steps down within itself", () => {
  expect(steps("anthropic", "claude-opus-4-7")).toEqual([["claude-sonnet-4-6", "CONSERVATIVE"], ["claude-haiku-4-5", "AGGRESSIVE"]]);
  expect(steps("anthropic", "claude-sonnet-4-5-20250929")).toEqual([["claude-haiku-4-5", "MODERATE"]]);
  expect(steps("openai", "gpt-4.1-2025-04-14")).toEqual([["gpt-4.1-mini", "CONSERVATIVE"], ["gpt-4.1-nano", "AGGRESSIVE"]]);
  expect(steps("openai", "gpt-4.1-mini")).toEqual([["gpt-4.1-nano", "MODERATE"]]);
  expect(steps("openai", "gpt-5")).toEqual([["gpt-5-mini", "CONSERVATIVE"], ["gpt-5-nano", "AGGRESSIVE"]]);
  expect(steps("gemini", "gemini-2.5-pro")).toEqual([["gemini-2.5-flash", "CONSERVATIVE"], ["gemini-2.5-flash-lite", "AGGRESSIVE"]]);
  expect(steps("gemini", "gemini-2.5-flash")).toEqual([["gemini-2.5-flash-lite", "MODERATE"]]);
  expect(steps("groq", "llama-3.3-70b-versatile")).toEqual([["llama-3.1-8b", "MODERATE"]]);
  // the smallest of a family, another provider's spelling, Azure deployments, embeddings: nothing
  for (const [p, m] of [["openai", "gpt-4o-mini"], ["openai", "gpt-4.1-nano"], ["groq", "gpt-4o"], ["azure", "gpt-4o"], ["openai", "text-embedding-3-large"]] as const) {
    expect(pathsFrom(p, m)).toEqual([]);
  }
});

describe("familyOf", () => {
  test.each([
    ["anthropic", "claude-3-opus-20240229", "claude-3-opus"],
    ["anthropic", "claude-3-5-sonnet-latest", "claude-3-5-sonnet"],
    ["anthropic", "claude-opus-4-0", "claude-opus-4"],
    ["anthropic", "claude-opus-4-20250514", "claude-opus-4"],
    ["anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1"],
    ["anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5"],
    ["groq", "llama-3.1-70b-versatile", "llama-3.1-70b"],
    ["groq", "llama-3.1-8b-instant", "llama-3.1-8b"],
    ["groq", "llama3-70b-8192", "llama3-70b"],
    ["groq", "openai/gpt-oss-120b", "openai/gpt-oss-120b"],
    ["openai", "gpt-4o-2024-08-06", "gpt-4o"],
    ["openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["openai", "gpt-3.5-turbo-0125", "gpt-3.5-turbo"],
    ["openai", "gpt-5-mini-2025-08-07", "gpt-5-mini"],
    ["openai", "GPT-4o", "gpt-4o"],
    ["gemini", "models/gemini-1.5-pro-002", "gemini-1.5-pro"],
    ["gemini", "gemini-1.5-flash-latest", "gemini-1.5-flash"],
    ["gemini", "gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
  ] as const)("%s %s → %s", (provider, model, family) => {
    expect(familyOf(provider, model)).toBe(family);
  });
});

describe("every path", () => {
  const priced = (provider: ProviderId, model: string) => builtinPrices.lookup(provider, model, now);

  test("stays within its provider: the source's and the target's ids are detected as that provider", () => {
    const crossing = downgradePaths.filter((p) => {
      const sources = builtinPrices.rows.filter((r) => r.provider === p.provider && familyOf(p.provider, r.model) === p.from);
      return detectProvider(p.to) !== p.provider || sources.some((r) => detectProvider(r.model) !== p.provider);
    });
    expect(crossing).toEqual([]);
  });

  test("targets an id the price registry prices (input and output), so a projected cost is always computable", () => {
    const unpriced = downgradePaths.filter((p) => {
      const row = priced(p.provider, p.to);
      return !row || row.inputPerMTok === null || row.outputPerMTok === null;
    });
    expect(unpriced).toEqual([]);
  });

  test("starts from a family the registry prices, and is cheaper there on input and output", () => {
    const bad = downgradePaths.flatMap((p) => {
      const target = priced(p.provider, p.to)!;
      const sources = builtinPrices.rows.filter((r) => r.provider === p.provider && familyOf(p.provider, r.model) === p.from);
      if (sources.length === 0) return [`${p.from}: no priced source`];
      return sources
        .map((s) => priced(p.provider, s.model)!)
        .filter((s) => !(target.inputPerMTok! <= s.inputPerMTok! && target.outputPerMTok! <= s.outputPerMTok! && (target.inputPerMTok! < s.inputPerMTok! || target.outputPerMTok! < s.outputPerMTok!)))
        .map((s) => `${s.model} → ${p.to}`);
    });
    expect(bad).toEqual([]);
  });

  test("is listed once, never to its own family, and never for Azure", () => {
    const keys = downgradePaths.map((p) => `${p.provider} ${p.from} ${p.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(downgradePaths.filter((p) => familyOf(p.provider, p.to) === p.from || p.provider === "azure")).toEqual([]);
    // paths are written for these providers (Azure deployments are named by the org); a newer provider starts without
    expect(new Set(downgradePaths.map((p) => p.provider))).toEqual(new Set(["openai", "anthropic", "groq", "gemini"]));
  });
});

test("the tier tables: known tasks only, each tier trusting at most what the tier above it does", () => {
  for (const tier of tiers) for (const t of handledWell[tier]) expect(tasks).toContain(t);
  expect(handledWell.AGGRESSIVE.every((t) => handledWell.MODERATE.includes(t))).toBe(true);
  expect(handledWell.MODERATE.every((t) => handledWell.CONSERVATIVE.includes(t))).toBe(true);
  expect(maxAvgOutputTokens.AGGRESSIVE).toBeLessThan(maxAvgOutputTokens.MODERATE);
  expect(maxAvgOutputTokens.MODERATE).toBeLessThan(maxAvgOutputTokens.CONSERVATIVE);
  // code and reasoning are where the larger model earns its price
  for (const tier of tiers) expect(handledWell[tier].filter((t) => t === "code" || t === "reasoning")).toEqual([]);
});
