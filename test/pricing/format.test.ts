import { describe, expect, test } from "bun:test";
import { formatPriceTable } from "../../src/pricing/format.ts";
import { builtinPrices, createPriceRegistry, type PriceRow } from "../../src/pricing/registry.ts";

const row = (over: Partial<PriceRow>): PriceRow => ({
  provider: "openai",
  model: "gpt-4o",
  effectiveFrom: 0,
  inputPerMTok: 2.5,
  cachedInputPerMTok: 1.25,
  cacheWritePerMTok: null,
  outputPerMTok: 10,
  reasoningPerMTok: null,
  source: "src-a",
  asOf: "2025-07-04",
  ...over,
});

const reg = createPriceRegistry([
  row({ provider: "groq", model: "openai/gpt-oss-20b", inputPerMTok: 0.075, cachedInputPerMTok: 0.0375, outputPerMTok: 0.3, source: "src-g" }),
  row({ model: "o3", effectiveFrom: Date.UTC(2025, 5, 10), inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8, source: "src-o3-new" }),
  row({ model: "o3", inputPerMTok: 10, cachedInputPerMTok: null, outputPerMTok: 40, source: "src-o3-old" }),
  row({}),
  row({ provider: "anthropic", model: "claude-haiku-4-5-20251001", inputPerMTok: 1, cachedInputPerMTok: 0.1, cacheWritePerMTok: 1.25, outputPerMTok: 5, source: "src-c" }),
]);

describe("formatPriceTable", () => {
  test("all rows, sorted by provider then model then date, numbers right-aligned", () => {
    expect(formatPriceTable(reg)).toBe(
      [
        "provider   model                      effective_from  input  cached  cache write  output  as_of       source",
        "---------  -------------------------  --------------  -----  ------  -----------  ------  ----------  ----------",
        "anthropic  claude-haiku-4-5-20251001  1970-01-01          1     0.1         1.25       5  2025-07-04  src-c",
        "groq       openai/gpt-oss-20b         1970-01-01      0.075  0.0375            -     0.3  2025-07-04  src-g",
        "openai     gpt-4o                     1970-01-01        2.5    1.25            -      10  2025-07-04  src-a",
        "openai     o3                         1970-01-01         10       -            -      40  2025-07-04  src-o3-old",
        "openai     o3                         2025-06-10          2     0.5            -       8  2025-07-04  src-o3-new",
      ].join("\n"),
    );
  });

  test("--model keeps ids containing it and the row an alias resolves to", () => {
    const models = (model: string, at?: number) =>
      formatPriceTable(reg, { model, at }).split("\n").slice(2).map((line) => line.split(/\s+/).slice(0, 3).join(" "));
    expect(models("o3")).toEqual(["openai o3 1970-01-01", "openai o3 2025-06-10"]);
    expect(models("claude-haiku-4-5")).toEqual(["anthropic claude-haiku-4-5-20251001 1970-01-01"]);
    expect(models("gpt-4o-2024-08-06")).toEqual(["openai gpt-4o 1970-01-01"]);
    expect(models("o3", Date.UTC(2026, 0, 1))).toEqual(["openai o3 2025-06-10"]);
    expect(models("o3", Date.UTC(2025, 0, 1))).toEqual(["openai o3 1970-01-01"]);
  });

  test("says so when nothing matches", () => {
    expect(formatPriceTable(reg, { model: "nope" })).toBe('No price rows match "nope".');
  });

  test("the built-in table lists every row once", () => {
    expect(formatPriceTable(builtinPrices).split("\n").length).toBe(builtinPrices.rows.length + 2);
  });

  test("prices in other units get their own column, only when a listed row has one", () => {
    const lines = (model: string) => formatPriceTable(builtinPrices, { model }).split("\n");
    expect(lines("gpt-4.1")[0]).not.toContain("other units");
    const units = (model: string) => {
      const [header, , ...rows] = lines(model);
      const from = header!.indexOf("other units");
      const to = header!.indexOf("as_of");
      return rows.map((row) => row.slice(from, to).trim());
    };
    expect(units("dall-e-3")).toEqual([
      "per image standard/1024x1024 0.04, standard/1024x1792 0.08, standard/1792x1024 0.08, hd/1024x1024 0.08, hd/1024x1792 0.12, hd/1792x1024 0.12",
    ]);
    expect(units("whisper-large-v3-turbo")).toEqual(["per second 0.0000111111 (at least 10 s)"]);
    expect(units("gpt-image-1")).toEqual(["image input 10/1M"]);
  });
});
