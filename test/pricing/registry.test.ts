import { describe, expect, test } from "bun:test";
import { providerIds } from "../../src/providers/types.ts";
import { builtinPrices, createPriceRegistry, loadPriceRows, type PriceRow } from "../../src/pricing/registry.ts";
import data from "../../src/pricing/prices.json" with { type: "json" };

const jsonRow = {
  provider: "openai",
  model: "gpt-4o",
  effective_from: "1970-01-01",
  input_per_mtok: 2.5,
  cached_input_per_mtok: 1.25,
  cache_write_per_mtok: null,
  output_per_mtok: 10,
  reasoning_per_mtok: null,
  source: "test source",
  as_of: "2025-07-04",
};

describe("loadPriceRows", () => {
  test("maps a JSON row to a PriceRow", () => {
    expect(loadPriceRows([{ ...jsonRow, effective_from: "2025-06-10" }])).toEqual([
      {
        provider: "openai",
        model: "gpt-4o",
        effectiveFrom: Date.UTC(2025, 5, 10),
        inputPerMTok: 2.5,
        cachedInputPerMTok: 1.25,
        cacheWritePerMTok: null,
        outputPerMTok: 10,
        reasoningPerMTok: null,
        source: "test source",
        asOf: "2025-07-04",
      },
    ]);
  });

  test("cache_write_1h_per_mtok may be given (a rate) or left out (the provider's rule applies)", () => {
    const [given] = loadPriceRows([{ ...jsonRow, provider: "anthropic", model: "claude-x", cache_write_1h_per_mtok: 6 }]);
    expect(given!.cacheWrite1hPerMTok).toBe(6);
    expect("cacheWrite1hPerMTok" in loadPriceRows([jsonRow])[0]!).toBe(false);
    expect(() => loadPriceRows([{ ...jsonRow, cache_write_1h_per_mtok: -1 }])).toThrow("cache_write_1h_per_mtok must be a non-negative number or null");
  });

  test.each([
    ["a price as a string", { input_per_mtok: "2.5" }, 'price row 1 (openai/gpt-4o): input_per_mtok must be a non-negative number or null, got "2.5"'],
    ["a negative price", { output_per_mtok: -1 }, "price row 1 (openai/gpt-4o): output_per_mtok must be a non-negative number or null, got -1"],
    ["an unknown provider", { provider: "google-gemini" }, 'price row 1 (google-gemini/gpt-4o): provider must be one of openai, anthropic, groq, gemini, azure, mistral, deepseek, xai, openrouter, got "google-gemini"'],
    ["an impossible date", { effective_from: "2025-02-30" }, 'price row 1 (openai/gpt-4o): effective_from must be a YYYY-MM-DD date, got "2025-02-30"'],
    ["a missing as_of", { as_of: undefined }, "price row 1 (openai/gpt-4o): as_of must be a YYYY-MM-DD date, got undefined"],
    ["an empty source", { source: " " }, "price row 1 (openai/gpt-4o): source must say where the price comes from"],
    ["a misspelt field", { cached_per_mtok: 1 }, "price row 1 (openai/gpt-4o): unknown field(s) cached_per_mtok"],
    ["a missing price field", { reasoning_per_mtok: undefined }, 'price row 1 (openai/gpt-4o): reasoning_per_mtok is missing (use null for "no such price")'],
    [
      "no price at all",
      { input_per_mtok: null, cached_input_per_mtok: null, output_per_mtok: null },
      "price row 1 (openai/gpt-4o): has no price at all; leave the model out instead",
    ],
  ] as const)("rejects %s, naming the row", (_, change, message) => {
    // JSON has no undefined: a key set to undefined here stands for a key left out.
    const bad = Object.fromEntries(Object.entries({ ...jsonRow, ...change }).filter(([, v]) => v !== undefined));
    expect(() => loadPriceRows([jsonRow, bad])).toThrow(new Error(message));
  });

  test("rejects a non-array and a non-object row", () => {
    expect(() => loadPriceRows({ rows: [] })).toThrow(new Error("price rows: expected a JSON array of rows"));
    expect(() => loadPriceRows([42])).toThrow(new Error("price row 0: expected an object, got 42"));
  });
});

describe("createPriceRegistry", () => {
  const [row] = loadPriceRows([jsonRow]) as [PriceRow];

  test("rejects two rows for one model and date", () => {
    expect(() => createPriceRegistry([row, { ...row, inputPerMTok: 3 }])).toThrow(
      new Error("price rows: two rows for openai/gpt-4o effective 1970-01-01"),
    );
  });

  test("picks the row in force at the given instant, whatever the row order", () => {
    const later: PriceRow = { ...row, effectiveFrom: Date.UTC(2026, 0, 1), inputPerMTok: 2 };
    const reg = createPriceRegistry([later, row]);
    expect(reg.lookup("openai", "gpt-4o", Date.UTC(2025, 11, 31, 23, 59))).toBe(row);
    expect(reg.lookup("openai", "gpt-4o", Date.UTC(2026, 0, 1))).toBe(later);
  });

  test("a model with no row in force yet is unpriced", () => {
    const reg = createPriceRegistry([{ ...row, effectiveFrom: Date.UTC(2026, 0, 1) }]);
    expect(reg.lookup("openai", "gpt-4o", Date.UTC(2025, 0, 1))).toBeUndefined();
  });
});

describe("builtinPrices", () => {
  test("o3 changed price on 2025-06-10: two rows, the right one on each side", () => {
    const before = builtinPrices.lookup("openai", "o3", Date.UTC(2025, 5, 9, 23, 59, 59));
    const after = builtinPrices.lookup("openai", "o3", Date.UTC(2025, 5, 10));
    expect([before?.inputPerMTok, before?.outputPerMTok]).toEqual([10, 40]);
    expect([after?.inputPerMTok, after?.outputPerMTok, after?.cachedInputPerMTok]).toEqual([2, 8, 0.5]);
  });

  test("Azure prices its own rows first and falls back to OpenAI list prices", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(builtinPrices.lookup("azure", "o4-mini", now)).toMatchObject({ provider: "azure", cachedInputPerMTok: 0.28 });
    expect(builtinPrices.lookup("azure", "gpt-4o", now)).toBe(builtinPrices.lookup("openai", "gpt-4o", now));
    expect(builtinPrices.lookup("azure", "gpt-4o", now)?.provider).toBe("openai");
  });

  test("Anthropic rows carry the 5-minute cache write rate (providers.md §7)", () => {
    const writes = Object.fromEntries(
      builtinPrices.rows.filter((r) => r.provider === "anthropic").map((r) => [r.model, r.cacheWritePerMTok]),
    );
    expect(writes).toEqual({
      "claude-3-opus-20240229": 18.75,
      "claude-3-haiku-20240307": 0.3,
      "claude-3-5-sonnet-20241022": 3.75,
      "claude-3-5-sonnet-20240620": 3.75,
      "claude-3-5-haiku-20241022": 1,
      "claude-3-7-sonnet-20250219": 3.75,
      "claude-sonnet-4-20250514": 3.75,
      "claude-opus-4-20250514": 18.75,
      "claude-opus-4-1-20250805": 18.75,
      "claude-sonnet-4-5-20250929": 3.75,
      "claude-haiku-4-5-20251001": 1.25,
      "claude-opus-4-5-20251101": 6.25,
      "claude-sonnet-4-6": 3.75,
      "claude-opus-4-6": 6.25,
      "claude-opus-4-7": 6.25,
    });
  });

  test("every row has a source and an as_of date, and a known provider", () => {
    for (const row of data) {
      expect(typeof row.source === "string" && row.source.length > 0).toBe(true);
      expect(row.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(providerIds).toContain(row.provider as (typeof providerIds)[number]);
    }
    expect(builtinPrices.rows.length).toBe(data.length);
  });

  test("rows per provider", () => {
    const counts = Object.fromEntries(providerIds.map((p) => [p, builtinPrices.rows.filter((r) => r.provider === p).length]));
    expect(counts).toEqual({ openai: 37, anthropic: 15, gemini: 12, groq: 14, azure: 6, mistral: 5, deepseek: 2, xai: 4, openrouter: 3 });
  });

  test("cached input is only set where a source states it (Groq: 50% of input)", () => {
    const groqCached = builtinPrices.rows.filter((r) => r.provider === "groq" && r.cachedInputPerMTok !== null);
    expect(groqCached.map((r) => [r.model, r.cachedInputPerMTok === (r.inputPerMTok ?? NaN) / 2])).toEqual([
      ["openai/gpt-oss-120b", true],
      ["openai/gpt-oss-20b", true],
      ["moonshotai/kimi-k2-instruct", true],
    ]);
  });
});
