/** Prices in units other than text tokens: image and audio input, images, seconds, the batch rate. */
import { describe, expect, test } from "bun:test";
import { createPriceBook, priceCall } from "../../src/pricing/price-book.ts";
import { builtinPrices, createPriceRegistry, loadPriceRows } from "../../src/pricing/registry.ts";
import { unitDollars } from "../../src/pricing/units.ts";
import type { Billing, ProviderId, Usage } from "../../src/providers/types.ts";

const book = createPriceBook(builtinPrices);
const at = Date.UTC(2026, 0, 1);
const cost = (provider: ProviderId, model: string, usage: Usage | undefined, billing?: Billing) => priceCall(book, { provider, model, responseModel: undefined, at, usage, billing });
const tokens = (input: number, output: number, more: Partial<Usage> = {}): Usage => ({ inputTokens: input, outputTokens: output, cachedInputTokens: null, cacheWriteTokens: null, reasoningTokens: null, ...more });

describe("built-in unit prices", () => {
  test("gpt-image-1: text input $5, image input $10, output $40 per 1M", () => {
    expect(cost("openai", "gpt-image-1", tokens(1014, 272, { imageInputTokens: 1000 })).costUsd).toBeCloseTo((14 * 5 + 1000 * 10 + 272 * 40) / 1e6, 15);
  });
  test("gpt-4o-transcribe: audio input $6, output $10; gpt-4o-mini-transcribe: $3, $5", () => {
    expect(cost("openai", "gpt-4o-transcribe", tokens(120, 30, { audioInputTokens: 115 })).costUsd).toBeCloseTo((5 * 2.5 + 115 * 6 + 30 * 10) / 1e6, 15);
    expect(cost("openai", "gpt-4o-mini-transcribe", tokens(100, 10, { audioInputTokens: 100 })).costUsd).toBeCloseTo((100 * 3 + 10 * 5) / 1e6, 15);
  });
  test.each([
    ["dall-e-3", "standard/1024x1024", 1, 0.04],
    ["dall-e-3", "hd/1024x1792", 2, 0.24],
    ["dall-e-2", "standard/512x512", 3, 0.054],
  ])("%s %s × %d = $%d", (model, variant, count, usd) => {
    expect(cost("openai", model, undefined, { units: { unit: "image", count, variant } }).costUsd).toBeCloseTo(usd, 15);
  });
  test("seconds: whisper-1 at $0.006 a minute; Groq's whisper at $0.111 an hour with 10 seconds at least", () => {
    expect(cost("openai", "whisper-1", undefined, { units: { unit: "second", count: 90 } }).costUsd).toBeCloseTo(0.009, 15);
    expect(cost("groq", "whisper-large-v3", undefined, { units: { unit: "second", count: 3 } }).costUsd).toBeCloseTo((10 * 0.111) / 3600, 15);
    expect(cost("groq", "whisper-large-v3-turbo", undefined, { units: { unit: "second", count: 3600 } }).costUsd).toBeCloseTo(0.04, 15);
  });
  test("the batch rate is half the standard one for OpenAI; a provider without a known batch rate is unknown", () => {
    expect(cost("openai", "gpt-4o-mini", tokens(2082, 1000), { batch: true }).costUsd).toBeCloseTo(((2082 * 0.15 + 1000 * 0.6) / 1e6) * 0.5, 15);
    expect(cost("groq", "llama-3.3-70b-versatile", tokens(10, 10), { batch: true })).toEqual({ costUsd: null, priceKnown: false, costSource: "unpriced" });
  });
});

describe("unknown, never $0", () => {
  test("image or audio input tokens on a row without their rate; a quality and size with no price; seconds on a token row", () => {
    expect(cost("openai", "gpt-4o-mini", tokens(10, 1, { imageInputTokens: 5 })).costUsd).toBeNull();
    expect(cost("openai", "gpt-4o-mini", tokens(10, 1, { audioInputTokens: 5 })).costUsd).toBeNull();
    expect(cost("openai", "dall-e-3", undefined, { units: { unit: "image", count: 1, variant: "ultra/4096x4096" } })).toEqual({ costUsd: null, priceKnown: false, costSource: "unpriced" });
    expect(cost("openai", "gpt-4o-mini", undefined, { units: { unit: "second", count: 10 } }).costUsd).toBeNull();
    expect(unitDollars({ unit: "second", count: Number.NaN }, { perSecond: 1 })).toBeNull();
  });
  test("a per-image model asked for tokens has no token price", () => {
    expect(cost("openai", "dall-e-3", tokens(10, 10)).costUsd).toBeNull();
  });
});

describe("price rows in other units", () => {
  const row = (more: Record<string, unknown>) => ({
    provider: "openai", model: "m", effective_from: "2026-01-01", input_per_mtok: null, cached_input_per_mtok: null, cache_write_per_mtok: null,
    output_per_mtok: null, reasoning_per_mtok: null, source: "https://example.test/pricing", as_of: "2026-01-01", ...more,
  });
  test("a row with only unit prices loads; one with no price at all is refused", () => {
    const [r] = loadPriceRows([row({ per_second: 0.001, min_seconds: 5 })]);
    expect([r!.perSecond, r!.minSeconds]).toEqual([0.001, 5]);
    expect(createPriceRegistry([r!]).lookup("openai", "m", at)?.perSecond).toBe(0.001);
    expect(() => loadPriceRows([row({})])).toThrow("has no price at all");
  });
  test.each([
    [{ per_image: {} }, "per_image must be an object"],
    [{ per_image: { "hd/1024x1024": -1 } }, "per_image must be an object"],
    [{ per_second: "0.1" }, "per_second must be a non-negative number"],
    [{ image_input_per_mtok: -2 }, "image_input_per_mtok must be a non-negative number"],
  ])("%j is refused", (more, message) => {
    expect(() => loadPriceRows([row({ input_per_mtok: 1, ...more })])).toThrow(message);
  });
  test("every built-in row in other units names its source", () => {
    const unitRows = builtinPrices.rows.filter((r) => r.perImage || r.perSecond !== undefined || r.imageInputPerMTok != null || r.audioInputPerMTok != null);
    expect(unitRows.map((r) => r.model).sort()).toEqual(["dall-e-2", "dall-e-3", "gpt-4o-mini-transcribe", "gpt-4o-transcribe", "gpt-image-1", "whisper-1", "whisper-large-v3", "whisper-large-v3-turbo"]);
    for (const r of unitRows) expect(r.source).toMatch(/^https:\/\//);
  });
});
