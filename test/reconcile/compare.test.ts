import { describe, expect, test } from "bun:test";
import { compareReports, dayMs, rowStatus, withinCount, withinUsd } from "../../src/reconcile/compare.ts";
import { centsToUsd } from "../../src/reconcile/anthropic-admin.ts";
import { lineItemModel } from "../../src/reconcile/openai-admin.ts";
import type { Counts } from "../../src/reconcile/types.ts";

const c = (requests: number | null, uncachedInput: number, output: number): Counts => ({ requests, uncachedInput, cacheRead: 0, cacheWrite5m: null, cacheWrite1h: null, output });
const now = 100 * dayMs;
const settled = 90 * dayMs;

describe("tolerances", () => {
  test.each([
    [1, 1.009, true],
    [1, 1.011, false],
    [100, 100.9, true],
    [100, 101.1, false],
    [0, 0.01, true],
    [0, 0.0101, false],
  ])("dollars %p vs %p within: %p", (a, b, ok) => expect(withinUsd(a, b)).toBe(ok));
  test.each([
    [100, 101, true],
    [100, 102, false],
    [0, 0, true],
    [0, 1, false],
  ])("counts %p vs %p within: %p", (a, b, ok) => expect(withinCount(a, b)).toBe(ok));
});

describe("rowStatus", () => {
  const base = { day: settled, lectr: c(10, 100, 10), lectrCostUsd: 1, provider: c(10, 100, 10), billedUsd: 1, expectedUsd: 1 };
  test.each([
    ["matched", base],
    ["provisional: the day ended within 48 h", { ...base, day: now - 2 * dayMs, billedUsd: 9 }],
    ["mismatched: billed apart from recorded", { ...base, billedUsd: 1.5, expectedUsd: 1.5 }],
    ["mismatched: billed apart from Lectr's prices (drift)", { ...base, lectrCostUsd: 1.5, billedUsd: 1.5 }],
    ["mismatched: requests apart", { ...base, provider: c(12, 100, 10) }],
    ["matched: a class one side does not report is not compared", { ...base, provider: c(null, 100, 10) }],
  ] as const)("%s", (name, row) => expect(rowStatus(row, now)).toBe(name.split(":")[0] as never));
});

describe("compareReports", () => {
  // a toy price book: $1 per 1000 tokens, and no price for what is not a model
  const price = (_d: number, m: string, k: Counts) => (m.startsWith("(") ? null : ((k.uncachedInput ?? 0) + (k.output ?? 0)) / 1000);
  const input = {
    reports: c(0, 0, 0),
    projectKind: "project" as const,
    expected: price,
    now,
    sources: { apiKeyIds: new Set<string>(), projectIds: new Set(["p1"]) },
  };
  test("unseen spend and drift add up to the gap; sources outside the org are left out; unpriced Lectr cost stays unknown", () => {
    const rows = compareReports({
      ...input,
      usage: [
        { day: settled, model: "m", apiKeyId: "k1", projectId: "p1", counts: c(10, 1000, 0) },
        { day: settled, model: "m", apiKeyId: "k2", projectId: "p1", counts: c(5, 500, 0) },
        { day: settled, model: "m", apiKeyId: "k9", projectId: "p9", counts: c(99, 99_000, 0) },
        { day: settled, model: "n", apiKeyId: "k1", projectId: "p1", counts: c(1, 10, 0) },
      ],
      costs: [
        { day: settled, model: "m", projectId: "p1", usd: 1.8 },
        { day: settled, model: null, projectId: "p1", usd: 0.25 },
        { day: settled, model: "m", projectId: "p9", usd: 50 },
      ],
      lectr: [
        { day: settled, model: "m", counts: c(10, 1000, 0), costUsd: 1 },
        { day: settled, model: "n", counts: c(1, 10, 0), costUsd: null },
      ],
    });
    const comparison = rows.filter((r) => r.source === "").map(({ model, billedUsd, expectedUsd, lectrCostUsd, unseenUsd, driftUsd, status }) => ({ model, billedUsd, expectedUsd, lectrCostUsd, unseenUsd, driftUsd, status }));
    expect(comparison).toEqual([
      { model: "(other charges)", billedUsd: 0.25, expectedUsd: null, lectrCostUsd: 0, unseenUsd: 0.25, driftUsd: null, status: "mismatched" },
      { model: "m", billedUsd: 1.8, expectedUsd: 1.5, lectrCostUsd: 1, unseenUsd: 0.5, driftUsd: 0.3, status: "mismatched" },
      { model: "n", billedUsd: 0, expectedUsd: 0.01, lectrCostUsd: null, unseenUsd: null, driftUsd: -0.01, status: "matched" },
    ]);
    expect(rows.filter((r) => r.source !== "").map((r) => `${r.model} ${r.source}`)).toEqual(["m api_key:k1", "m api_key:k2", "n api_key:k1"]);
  });

  test("an org known only by API keys has no billed amount of its own (costs break down by project)", () => {
    const rows = compareReports({ ...input, sources: { apiKeyIds: new Set(["k1"]), projectIds: new Set() }, usage: [{ day: settled, model: "m", apiKeyId: "k1", projectId: "p1", counts: c(1, 1000, 0) }], costs: [{ day: settled, model: "m", projectId: "p1", usd: 9 }], lectr: [] });
    expect(rows[0]).toMatchObject({ billedUsd: null, expectedUsd: 1, unseenUsd: 1, driftUsd: null });
  });
});

describe("provider fields", () => {
  test.each([
    ["123.45", 1.2345],
    ["0", 0],
    ["7", 0.07],
    [123.45, undefined],
    ["-1", undefined],
    ["1e3", undefined],
  ] as const)("Anthropic cents %p → $%p", (amount, usd) => expect(centsToUsd(amount)).toBe(usd as never));
  test.each([
    ["gpt-4o-2024-08-06, input", "gpt-4o-2024-08-06"],
    ["gpt-4o-mini, cached input", "gpt-4o-mini"],
    ["Web search tool calls", null],
    [null, null],
  ] as const)("OpenAI line item %p names model %p", (item, model) => expect(lineItemModel(item)).toBe(model));
});
