import { describe, expect, test } from "bun:test";
import { createPriceBook, priceCall, pricesInEffect, type OrgPrice, type PricedCall } from "../../src/pricing/price-book.ts";
import { startPriceBooks } from "../../src/pricing/price-book-cache.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { formatUsd } from "../../src/proxy/respond.ts";
import { usage } from "../helpers/rows.ts";

const at = Date.UTC(2026, 0, 15);
let n = 0;
const price = (p: Partial<OrgPrice> & Pick<OrgPrice, "model">): OrgPrice => ({
  id: `p${n++}`,
  orgId: "org",
  provider: "openai",
  effectiveFrom: 0,
  inputPerMTok: 1,
  cachedInputPerMTok: null,
  cacheWritePerMTok: null,
  outputPerMTok: 2,
  createdAt: 0,
  ...p,
});
const call = (c: Partial<PricedCall>): PricedCall => ({ provider: "openai", model: "gpt-4o", responseModel: undefined, at, usage: usage(1000, 500), ...c });

describe("priceCall", () => {
  const overrides = [
    price({ model: "gpt-4o", inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 1 }),
    price({ model: "my-finetune", provider: "openai", inputPerMTok: 3, outputPerMTok: 12 }),
    price({ model: "prod-ptu", provider: "azure", inputPerMTok: 0.5, outputPerMTok: 1 }),
    // a price from a date, and a later correction of the same date: the correction prices
    price({ model: "gpt-4.1", effectiveFrom: Date.UTC(2026, 0, 1), inputPerMTok: 9, outputPerMTok: 9, createdAt: 1 }),
    price({ model: "gpt-4.1", effectiveFrom: Date.UTC(2026, 0, 1), inputPerMTok: 1, outputPerMTok: 1, createdAt: 2 }),
  ];
  const book = createPriceBook(builtinPrices, overrides, [{ deployment: "prod-ptu", model: "gpt-4o-mini" }, { deployment: "mini", model: "gpt-4o-mini" }]);

  test.each([
    // 1000 × 2 + 500 × 8 = 6000
    ["the org's price before the registry", call({}), { costUsd: 0.006, priceKnown: true, costSource: "org_override" }],
    // matched through the dated id; 500 uncached × 2 + 500 cached × 1 + 500 × 8 = 5500
    ["an override on the base id prices a dated snapshot", call({ responseModel: "gpt-4o-2024-08-06", usage: usage(1000, 500, { cachedInputTokens: 500 }) }), { costUsd: 0.0055, priceKnown: true, costSource: "org_override" }],
    // registry gpt-4o-mini: 150 + 300
    ["no override: the registry", call({ model: "gpt-4o-mini" }), { costUsd: 0.00045, priceKnown: true, costSource: "registry" }],
    // 3000 + 6000
    ["a model only the org prices", call({ model: "my-finetune" }), { costUsd: 0.009, priceKnown: true, costSource: "org_override" }],
    ["nobody prices it", call({ model: "nobody-knows" }), { costUsd: null, priceKnown: false, costSource: "unpriced" }],
    ["a known price without usage: cost unknown, price known", call({ usage: undefined }), { costUsd: null, priceKnown: true, costSource: "org_override" }],
    ["an unknown price without usage", call({ model: "nobody-knows", usage: undefined }), { costUsd: null, priceKnown: false, costSource: "unpriced" }],
    // the later-set row of the same date: 1000 + 500
    ["setting a date again replaces that date's price", call({ model: "gpt-4.1" }), { costUsd: 0.0015, priceKnown: true, costSource: "org_override" }],
    // before the org's date the registry's gpt-4.1 applies: 1000 × 2 + 500 × 8
    ["before the org's price starts, the registry", call({ model: "gpt-4.1", at: Date.UTC(2025, 11, 31) }), { costUsd: 0.006, priceKnown: true, costSource: "registry" }],
    // OpenAI's price is not Azure's: Azure gpt-4o at the registry's OpenAI list price, 2500 + 5000
    ["an OpenAI override does not price Azure", call({ provider: "azure", model: "prod-gpt4o", responseModel: "gpt-4o-2024-11-20" }), { costUsd: 0.0075, priceKnown: true, costSource: "registry" }],
    // the org's price for its deployment wins over the model the response names: 500 + 500
    ["an Azure deployment with its own org price", call({ provider: "azure", model: "prod-ptu", responseModel: "gpt-4o-2024-11-20" }), { costUsd: 0.001, priceKnown: true, costSource: "org_override" }],
    // no response model: the map's gpt-4o-mini at the registry, 150 + 300
    ["an Azure deployment priced through the map", call({ provider: "azure", model: "mini" }), { costUsd: 0.00045, priceKnown: true, costSource: "registry" }],
    // the response's model before the map: gpt-4o at OpenAI's list price, 2500 + 5000
    ["the model an Azure response names comes before the map", call({ provider: "azure", model: "mini", responseModel: "gpt-4o-2024-11-20" }), { costUsd: 0.0075, priceKnown: true, costSource: "registry" }],
    ["an Azure deployment nobody maps", call({ provider: "azure", model: "unmapped" }), { costUsd: null, priceKnown: false, costSource: "unpriced" }],
    // embeddings have no output price: output tokens there mean the price is incomplete, never $0
    ["a row without the price a token class needs", call({ model: "text-embedding-3-small" }), { costUsd: null, priceKnown: false, costSource: "unpriced" }],
  ] as const)("%s", (_name, c, want) => {
    const got = priceCall(book, c);
    expect({ ...got, costUsd: got.costUsd === null ? null : Math.round(got.costUsd * 1e12) / 1e12 }).toEqual(want);
  });

  test("pricesInEffect: per model, the latest date not after the instant, the later-set row of a date", () => {
    const rows = [
      price({ id: "old", model: "m", effectiveFrom: 10 }),
      price({ id: "new", model: "m", effectiveFrom: 20, createdAt: 1 }),
      price({ id: "fixed", model: "m", effectiveFrom: 20, createdAt: 2 }),
      price({ id: "future", model: "m", effectiveFrom: 99 }),
      price({ id: "other", model: "m", provider: "groq", effectiveFrom: 10 }),
    ];
    expect([...pricesInEffect(rows, 50)].sort()).toEqual(["fixed", "other"]);
    expect([...pricesInEffect(rows, 15)].sort()).toEqual(["old", "other"]);
    expect([...pricesInEffect(rows, 5)]).toEqual([]);
  });
});

describe("price books in memory", () => {
  test("each org gets its own book, unchanged orgs keep theirs, a failed reload keeps the last good one", async () => {
    let data = { prices: [price({ model: "gpt-4o", orgId: "a", inputPerMTok: 0, outputPerMTok: 0 })], deployments: [{ orgId: "b", deployments: [{ deployment: "d", model: "gpt-4o-mini" }] }] };
    let fail = false;
    const errors: unknown[] = [];
    const books = await startPriceBooks(builtinPrices, async () => {
      if (fail) throw new Error("database down");
      return data;
    }, 60_000, (e) => errors.push(e));
    try {
      expect(priceCall(books.forOrg("a"), call({})).costSource).toBe("org_override");
      expect(priceCall(books.forOrg("b"), call({})).costSource).toBe("registry");
      expect(priceCall(books.forOrg("b"), call({ provider: "azure", model: "d" })).costUsd).toBeCloseTo(0.00045, 12);
      expect(books.forOrg("nobody").overrides).toBeUndefined();

      const a = books.forOrg("a");
      data = { ...data, deployments: [] };
      await books.refresh();
      expect(books.forOrg("a")).toBe(a);
      expect(books.forOrg("b").deployments.size).toBe(0);

      fail = true;
      await books.refresh();
      expect(books.forOrg("a")).toBe(a);
      expect(errors.map(String)).toEqual(["Error: database down"]);
    } finally {
      books.stop();
    }
  });

  test("a refresh asked for during a load loads again after it, so it sees the change", async () => {
    let release: () => void = () => {};
    let loads = 0;
    let value = 1;
    const books = await startPriceBooks(builtinPrices, async () => {
      loads++;
      const seen = value;
      if (loads === 2) await new Promise<void>((r) => (release = r));
      return { prices: [price({ model: "gpt-4o", orgId: "a", inputPerMTok: seen, outputPerMTok: 0 })], deployments: [] };
    }, 60_000, () => {});
    try {
      const first = books.refresh();
      value = 7;
      const second = books.refresh();
      release();
      await Promise.all([first, second]);
      expect(loads).toBe(3);
      // 1000 × 7
      expect(priceCall(books.forOrg("a"), call({ usage: usage(1000, 0) })).costUsd).toBeCloseTo(0.007, 12);
    } finally {
      books.stop();
    }
  });
});

test.each([
  [0.0075, "0.0075"],
  [7.4e-7, "0.00000074"],
  [0, "0"],
  [12.5, "12.5"],
  [100, "100"],
  [0.1 + 0.2, "0.3"],
])("formatUsd(%p) = %p", (usd, text) => {
  expect(formatUsd(usd)).toBe(text);
});
