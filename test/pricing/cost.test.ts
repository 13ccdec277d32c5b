import { describe, expect, test } from "bun:test";
import type { ProviderId, Usage } from "../../src/providers/types.ts";
import { computeCost } from "../../src/pricing/cost.ts";
import { builtinPrices, type PriceRow } from "../../src/pricing/registry.ts";

const at = Date.UTC(2026, 0, 15);
const usage = (u: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...u,
});
const priced = (provider: ProviderId, model: string, u: Partial<Usage>, when = at) =>
  computeCost(usage(u), builtinPrices.lookup(provider, model, when));

// Every expected value is Σ tokens × USD-per-1M-tokens, divided by 1e6 once.
const knownCases: { name: string; provider: ProviderId; model: string; usage: Partial<Usage>; at?: number; usd: number }[] = [
  {
    name: "plain gpt-4o",
    provider: "openai",
    model: "gpt-4o",
    usage: { inputTokens: 1000, outputTokens: 500 },
    // 1000×2.5 + 500×10 = 2500 + 5000 = 7500 → 0.0075
    usd: 0.0075,
  },
  {
    name: "OpenAI cached_tokens priced at the cache rate, not on top of input",
    provider: "openai",
    model: "gpt-4o",
    usage: { inputTokens: 2000, cachedInputTokens: 1500, outputTokens: 100 },
    // uncached 500×2.5 = 1250; cached 1500×1.25 = 1875; output 100×10 = 1000 → 4125 → 0.004125
    usd: 0.004125,
  },
  {
    name: "Anthropic cache read + 5-minute cache write",
    provider: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    usage: { inputTokens: 10_000, cachedInputTokens: 6000, cacheWriteTokens: 3000, outputTokens: 400 },
    // uncached 1000×3 = 3000; read 6000×0.3 = 1800; write 3000×3.75 = 11250; output 400×15 = 6000 → 22050 → 0.02205
    usd: 0.02205,
  },
  {
    name: "Anthropic 1-hour cache writes at 2 × input, the rest of the writes at the 5-minute rate",
    provider: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    usage: { inputTokens: 10_000, cachedInputTokens: 6000, cacheWriteTokens: 3000, cacheWrite1hTokens: 2000, outputTokens: 400 },
    // uncached 1000×3 = 3000; read 6000×0.3 = 1800; 5m write 1000×3.75 = 3750; 1h write 2000×6 = 12000; output 400×15 = 6000 → 26550
    usd: 0.02655,
  },
  {
    name: "o3-mini reasoning is inside output, billed once",
    provider: "openai",
    model: "o3-mini",
    usage: { inputTokens: 1000, outputTokens: 2000, reasoningTokens: 1500 },
    // input 1000×1.1 = 1100; output (reasoning included) 2000×4.4 = 8800 → 9900 → 0.0099 (not (2000+1500)×4.4)
    usd: 0.0099,
  },
  {
    name: "embeddings: no output price, no output tokens",
    provider: "openai",
    model: "text-embedding-3-small",
    usage: { inputTokens: 8000 },
    // 8000×0.02 = 160 → 0.00016
    usd: 0.00016,
  },
  {
    name: "Groq gpt-oss-120b cached input at 50%",
    provider: "groq",
    model: "openai/gpt-oss-120b",
    usage: { inputTokens: 4000, cachedInputTokens: 2000, outputTokens: 300 },
    // uncached 2000×0.15 = 300; cached 2000×0.075 = 150; output 300×0.6 = 180 → 630 → 0.00063
    usd: 0.00063,
  },
  {
    name: "Gemini 2.5 flash, thinking billed as output",
    provider: "gemini",
    model: "gemini-2.5-flash",
    usage: { inputTokens: 1200, outputTokens: 800, reasoningTokens: 600 },
    // input 1200×0.3 = 360; output (thoughts included) 800×2.5 = 2000 → 2360 → 0.00236
    usd: 0.00236,
  },
  {
    name: "dated id resolves to its alias row",
    provider: "openai",
    model: "gpt-4o-2024-08-06",
    usage: { inputTokens: 1000, outputTokens: 500 },
    // gpt-4o row: 1000×2.5 + 500×10 = 7500 → 0.0075
    usd: 0.0075,
  },
  {
    name: "gpt-4o-2024-05-13 has its own row",
    provider: "openai",
    model: "gpt-4o-2024-05-13",
    usage: { inputTokens: 1000, outputTokens: 500 },
    // 1000×5 + 500×15 = 5000 + 7500 = 12500 → 0.0125
    usd: 0.0125,
  },
  {
    name: "gpt-4o-mini snapshot is not priced as gpt-4o",
    provider: "openai",
    model: "gpt-4o-mini-2024-07-18",
    usage: { inputTokens: 1000, outputTokens: 500 },
    // 1000×0.15 + 500×0.6 = 150 + 300 = 450 → 0.00045
    usd: 0.00045,
  },
  {
    name: "o3 the instant before the 2025-06-10 cut",
    provider: "openai",
    model: "o3",
    usage: { inputTokens: 1000, outputTokens: 1000 },
    at: Date.UTC(2025, 5, 10) - 1,
    // 1000×10 + 1000×40 = 50000 → 0.05
    usd: 0.05,
  },
  {
    name: "o3 from the 2025-06-10 cut on",
    provider: "openai",
    model: "o3-2025-04-16",
    usage: { inputTokens: 1000, outputTokens: 1000 },
    at: Date.UTC(2025, 5, 10),
    // 1000×2 + 1000×8 = 10000 → 0.01
    usd: 0.01,
  },
  {
    name: "Azure o4-mini uses the Azure row (cached 0.28, OpenAI lists 0.275)",
    provider: "azure",
    model: "o4-mini",
    usage: { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 100 },
    // uncached 600×1.1 = 660; cached 400×0.28 = 112; output 100×4.4 = 440 → 1212 → 0.001212
    usd: 0.001212,
  },
  {
    name: "Azure gpt-4o falls back to the OpenAI list price",
    provider: "azure",
    model: "gpt-4o-2024-11-20",
    usage: { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50 },
    // uncached 800×2.5 = 2000; cached 200×1.25 = 250; output 50×10 = 500 → 2750 → 0.00275
    usd: 0.00275,
  },
  {
    name: "no cached price: cached tokens bill as input",
    provider: "openai",
    model: "o1-pro",
    usage: { inputTokens: 1000, cachedInputTokens: 400 },
    // uncached 600×150 + cached 400×150 (input rate) = 150000 → 0.15
    usd: 0.15,
  },
  {
    name: "cached > input reported: uncached part clamps to 0",
    provider: "openai",
    model: "gpt-4o",
    usage: { inputTokens: 100, cachedInputTokens: 150 },
    // uncached max(0, 100−150) = 0; cached 150×1.25 = 187.5 → 0.0001875
    usd: 0.0001875,
  },
  {
    name: "negative counts count as nothing",
    provider: "openai",
    model: "gpt-4o",
    usage: { inputTokens: -5, outputTokens: 10, cachedInputTokens: -3 },
    // input 0; output 10×10 = 100 → 0.0001
    usd: 0.0001,
  },
  {
    name: "zero usage costs exactly 0",
    provider: "openai",
    model: "gpt-4o",
    usage: {},
    usd: 0,
  },
];

describe("computeCost with built-in prices", () => {
  test.each(knownCases)("$name", ({ provider, model, usage: u, at: when, usd }) => {
    const cost = priced(provider, model, u, when);
    expect(cost.priceKnown).toBe(true);
    expect(cost.costUsd).toBeCloseTo(usd, 12);
  });
});

describe("unknown costs are null, never 0", () => {
  test.each([
    { name: "unpriced model", provider: "openai" as const, model: "gpt-4-0613", usage: { inputTokens: 10, outputTokens: 10 } },
    { name: "unpriced legacy snapshot is not priced as its alias", provider: "openai" as const, model: "gpt-3.5-turbo-0613", usage: { inputTokens: 10 } },
    { name: "output tokens on an embedding row (no output price)", provider: "openai" as const, model: "text-embedding-3-small", usage: { inputTokens: 10, outputTokens: 1 } },
  ])("$name", ({ provider, model, usage: u }) => {
    expect(priced(provider, model, u)).toEqual({ costUsd: null, priceKnown: false });
  });
});

describe("computeCost with a hand-made row", () => {
  const row: PriceRow = {
    provider: "openai",
    model: "test-reasoner",
    effectiveFrom: 0,
    inputPerMTok: 1,
    cachedInputPerMTok: null,
    cacheWritePerMTok: null,
    outputPerMTok: 5,
    reasoningPerMTok: 7,
    source: "test",
    asOf: "2026-01-01",
  };

  test("reasoning billed apart only when the row prices it", () => {
    // input 100×1 = 100; output 2000−1500 = 500×5 = 2500; reasoning 1500×7 = 10500 → 13100 → 0.0131
    const cost = computeCost(usage({ inputTokens: 100, outputTokens: 2000, reasoningTokens: 1500 }), row);
    expect(cost.priceKnown).toBe(true);
    expect(cost.costUsd).toBeCloseTo(0.0131, 12);
  });

  test("1-hour cache writes: the row's own rate; without one (and no provider rule) the cache-write rate", () => {
    const writer: PriceRow = { ...row, cacheWritePerMTok: 2, cacheWrite1hPerMTok: 3 };
    // uncached 400×1 + 5m 200×2 + 1h 400×3 = 400 + 400 + 1200 = 2000 → 0.002
    expect(computeCost(usage({ inputTokens: 1000, cacheWriteTokens: 600, cacheWrite1hTokens: 400 }), writer).costUsd).toBeCloseTo(0.002, 12);
    // OpenAI has no 1-hour rule: 400×1 + 600×2 = 1600
    expect(computeCost(usage({ inputTokens: 1000, cacheWriteTokens: 600, cacheWrite1hTokens: 400 }), { ...writer, cacheWrite1hPerMTok: null }).costUsd).toBeCloseTo(0.0016, 12);
  });

  test("cache writes without a write price bill as input", () => {
    // uncached 600×1 + written 400×1 = 1000 → 0.001
    const cost = computeCost(usage({ inputTokens: 1000, cacheWriteTokens: 400 }), row);
    expect(cost.costUsd).toBeCloseTo(0.001, 12);
  });

  test("a null price for a class with tokens makes the whole cost unknown", () => {
    const noInput: PriceRow = { ...row, inputPerMTok: null };
    expect(computeCost(usage({ inputTokens: 1, outputTokens: 10 }), noInput)).toEqual({ costUsd: null, priceKnown: false });
    // No input tokens: the missing input price is never needed. 10×5 = 50 → 0.00005
    expect(computeCost(usage({ outputTokens: 10 }), noInput)).toEqual({ costUsd: 50 / 1e6, priceKnown: true });
  });

  test("no row at all", () => {
    expect(computeCost(usage({ inputTokens: 1 }), undefined)).toEqual({ costUsd: null, priceKnown: false });
  });

  test("sums per token then divides once: exact for realistic volumes", () => {
    // 123457×2.5 + 98765×10 = 308642.5 + 987650 = 1296292.5 → 1.2962925
    const gpt4o = builtinPrices.lookup("openai", "gpt-4o", at);
    expect(computeCost(usage({ inputTokens: 123_457, outputTokens: 98_765 }), gpt4o).costUsd).toBe(1.2962925);
  });
});
