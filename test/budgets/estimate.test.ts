import { describe, expect, test } from "bun:test";
import { estimateCall, outputCap, p95, type UnknownCost } from "../../src/budgets/estimate.ts";
import { noCapOutputFloor, outputCount } from "../../src/budgets/output-estimate.ts";
import { hiddenInputField, routeCost } from "../../src/budgets/coverage.ts";
import { createPriceBook } from "../../src/pricing/price-book.ts";
import { loadPriceRegistry } from "../../src/pricing/prices-file.ts";
import { crossedThresholds, forecastIsMeaningful, forecastSpend } from "../../src/budgets/forecast.ts";
import { inScope, matchesModel } from "../../src/budgets/scope.ts";
import { alertBody, signature } from "../../src/budgets/webhook.ts";
import { createHmac } from "node:crypto";

const book = createPriceBook(loadPriceRegistry(undefined));
const at = Date.parse("2026-03-14T12:00:00Z");
// gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (src/pricing/prices.json)
const mini = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

describe("reservation estimate", () => {
  const base: { provider: "openai"; model: string; endpoint: string; method: string; at: number; bodyBytes: number; recentOutputP95: number | undefined } = {
    provider: "openai",
    model: "gpt-4o-mini",
    endpoint: "/v1/chat/completions",
    method: "POST",
    at,
    bodyBytes: 400,
    recentOutputP95: undefined,
  };
  const cases: [string, Partial<typeof base> & { json?: Record<string, unknown> }, { inputTokens: number; outputTokens: number; usd: number; unknown?: UnknownCost }][] = [
    ["max_tokens caps the output", { json: { max_tokens: 48 } }, { inputTokens: 100, outputTokens: 48, usd: mini(100, 48) }],
    ["max_completion_tokens too", { json: { max_completion_tokens: 7 } }, { inputTokens: 100, outputTokens: 7, usd: mini(100, 7) }],
    ["max_output_tokens (Responses API)", { json: { max_output_tokens: 300 } }, { inputTokens: 100, outputTokens: 300, usd: mini(100, 300) }],
    ["without a cap: the org's recent p95 when above the floor", { json: {}, recentOutputP95: 9000 }, { inputTokens: 100, outputTokens: 9000, usd: mini(100, 9000) }],
    ["without a cap: small recent outputs cannot lower it below the floor", { json: {}, recentOutputP95: 1 }, { inputTokens: 100, outputTokens: noCapOutputFloor, usd: mini(100, noCapOutputFloor) }],
    ["without a cap or history: the floor", { json: {} }, { inputTokens: 100, outputTokens: noCapOutputFloor, usd: mini(100, noCapOutputFloor) }],
    ["n outputs reserve n times the output", { json: { max_tokens: 48, n: 20 } }, { inputTokens: 100, outputTokens: 960, usd: mini(100, 960) }],
    ["n without a cap: n times the floor", { json: { n: 3 } }, { inputTokens: 100, outputTokens: 3 * noCapOutputFloor, usd: mini(100, 3 * noCapOutputFloor) }],
    [
      "previous_response_id: input Lectr cannot see",
      { endpoint: "/v1/responses", json: { max_output_tokens: 10, previous_response_id: "resp_1" } },
      { inputTokens: 100, outputTokens: 10, usd: mini(100, 10), unknown: { reason: "hidden_input", field: "previous_response_id" } },
    ],
    ["a background response", { endpoint: "/v1/responses", json: { max_output_tokens: 10, background: true } }, { inputTokens: 100, outputTokens: 10, usd: mini(100, 10), unknown: { reason: "background" } }],
    ["a batch: not estimable at admission", { endpoint: "/v1/batches", model: "", json: {} }, { inputTokens: 100, outputTokens: 0, usd: 0, unknown: { reason: "route", route: "/v1/batches" } }],
    ["a free route (moderations) reserves nothing", { endpoint: "/v1/moderations", json: {} }, { inputTokens: 0, outputTokens: 0, usd: 0 }],
    ["embeddings produce no output", { endpoint: "/v1/embeddings", json: {} }, { inputTokens: 100, outputTokens: 0, usd: mini(100, 0) }],
    ["an unpriced model: unknown", { model: "my-own-model", json: { max_tokens: 10 } }, { inputTokens: 100, outputTokens: 10, usd: 0, unknown: { reason: "unpriced_model", model: "my-own-model" } }],
    ["a bodiless call (GET /v1/models) reserves nothing", { bodyBytes: 0, model: "", method: "GET", endpoint: "/v1/models" }, { inputTokens: 0, outputTokens: 0, usd: 0 }],
    ["a hostile cap is bounded", { json: { max_tokens: 1e30 } }, { inputTokens: 100, outputTokens: 1_000_000, usd: mini(100, 1_000_000) }],
  ];
  for (const [name, over, want] of cases) {
    test(name, () => {
      const e = estimateCall(book, { ...base, json: undefined, ...over });
      expect({ ...e, usd: Number(e.usd.toFixed(12)) }).toEqual({ ...want, usd: Number(want.usd.toFixed(12)) });
    });
  }
  test("the count of outputs: n, best_of, Gemini's candidateCount; bounded; junk ignored", () => {
    expect([outputCount(undefined), outputCount({ n: 4 }), outputCount({ n: 2, best_of: 5 }), outputCount({ generationConfig: { candidateCount: 3 } }), outputCount({ n: 1e9 }), outputCount({ n: "9" }), outputCount({ n: -2 })]).toEqual([
      1, 4, 5, 3, 128, 1, 1,
    ]);
  });
  test("which routes a block budget can estimate, which are free, which not", () => {
    const routes: [string, string][] = [
      ["POST", "/v1/chat/completions"],
      ["POST", "/openai/deployments/prod/chat/completions"],
      ["POST", "/v1beta/models/gemini-2.5-flash:generateContent"],
      ["GET", "/v1/models"],
      ["DELETE", "/v1/files/f1"],
      ["POST", "/v1/moderations"],
      ["POST", "/v1/messages/count_tokens"],
      ["POST", "/v1/responses/resp_1/cancel"],
      ["POST", "/v1/batches"],
      ["POST", "/v1/images/generations"],
      ["POST", "/v1/audio/speech"],
      ["POST", "/v1/fine_tuning/jobs"],
    ];
    expect(routes.map(([m, p]) => routeCost(m, p))).toEqual(["tokens", "tokens", "tokens", "free", "free", "free", "free", "free", "unmeasurable", "unmeasurable", "unmeasurable", "unmeasurable"]);
  });
  test("input stored at the provider: previous_response_id, conversation, a stored prompt; a legacy prompt string is visible", () => {
    expect([
      hiddenInputField({ previous_response_id: "resp_1" }),
      hiddenInputField({ conversation: "conv_1" }),
      hiddenInputField({ prompt: { id: "pmpt_1" } }),
      hiddenInputField({ prompt: "Say hi" }),
      hiddenInputField({ previous_response_id: null }),
      hiddenInputField(undefined),
    ]).toEqual(["previous_response_id", "conversation", "prompt", undefined, undefined, undefined]);
  });
  test("caps that are not numbers are ignored", () => {
    expect([outputCap({ max_tokens: "9" }), outputCap({ max_tokens: -1 }), outputCap({ max_tokens: NaN }), outputCap(undefined)]).toEqual([undefined, undefined, undefined, undefined]);
  });
  test("p95 by nearest rank", () => {
    expect([p95([]), p95([5]), p95(Array.from({ length: 100 }, (_, i) => i + 1)), p95([1, 2, 3, 1000])]).toEqual([undefined, 5, 95, 1000]);
  });
});

describe("scope", () => {
  const f = { orgId: "o", keyId: "k", feature: "search", task: "chat", provider: "openai", model: "gpt-4o-2024-08-06", route: "/v1/chat/completions" };
  const none = { feature: null, task: null, keyId: null, provider: null, model: null };
  test("every set field must match; unset fields match anything", () => {
    expect([
      inScope(none, f),
      inScope({ ...none, feature: "search", model: "gpt-4o*" }, f),
      inScope({ ...none, feature: "search", model: "gpt-4o" }, f),
      inScope({ ...none, keyId: "k", provider: "openai", task: "chat" }, f),
      inScope({ ...none, keyId: "other" }, f),
      inScope({ ...none, feature: "search" }, { ...f, feature: null }),
    ]).toEqual([true, true, false, true, false, false]);
    expect([matchesModel("*", "x"), matchesModel("gpt-4o", "gpt-4o"), matchesModel("gpt-4o*", "gpt-4")]).toEqual([true, true, false]);
  });
});

describe("thresholds and forecast", () => {
  test("thresholds reached", () => {
    expect([crossedThresholds([50, 80, 100], 0.49, 1), crossedThresholds([50, 80, 100], 0.5, 1), crossedThresholds([50, 80, 100], 1.2, 1), crossedThresholds([50], 1, 0)]).toEqual([
      [],
      [50],
      [50, 80, 100],
      [],
    ]);
  });
  const day = Date.parse("2026-03-14T00:00:00Z");
  const h = 3_600_000;
  test("a steady rate is extended to the period's end", () => {
    const hourly = new Map(Array.from({ length: 12 }, (_, i) => [day + i * h, 0.01] as [number, number]));
    expect(forecastSpend({ spentUsd: 0.12, hourly, start: day, end: day + 24 * h, now: day + 12 * h })).toBeCloseTo(0.24, 9);
  });
  test("the recent rate weighs: a burst in the last hours lifts the forecast", () => {
    const hourly = new Map([[day + 11 * h, 0.3]]);
    // window: a quarter of 12 h = 3 h; $0.30 in it → $0.10/h for the 12 h left
    expect(forecastSpend({ spentUsd: 0.3, hourly, start: day, end: day + 24 * h, now: day + 12 * h })).toBeCloseTo(0.3 + 1.2, 9);
  });
  test("at and after the end the forecast is what was spent", () => {
    expect(forecastSpend({ spentUsd: 0.5, hourly: new Map([[day, 0.5]]), start: day, end: day + 24 * h, now: day + 24 * h })).toBe(0.5);
    expect(forecastSpend({ spentUsd: 0, hourly: new Map(), start: day, end: day + 24 * h, now: day })).toBe(0);
  });
  test("a forecast alert needs an hour and a tenth of the period behind it", () => {
    expect([forecastIsMeaningful(day, day + 24 * h, day + h - 1), forecastIsMeaningful(day, day + 24 * h, day + 3 * h), forecastIsMeaningful(day, day + 30 * 24 * h, day + 2 * 24 * h)]).toEqual([false, true, false]);
  });
});

describe("webhook bodies", () => {
  const facts = {
    alert: { id: "a1", orgId: "o1", budgetId: "b1", periodStart: day0(), kind: "threshold" as const, threshold: 80, spentUsd: 0.8, forecastUsd: 1.1, amountUsd: 1, createdAt: day0() + 1000 },
    budget: { id: "b1", name: "daily", period: "day" as const, timeZone: "UTC", action: "block" as const },
    periodEnd: day0() + 86_400_000,
  };
  function day0() {
    return Date.parse("2026-03-14T00:00:00Z");
  }
  test("Slack-compatible and generic JSON", () => {
    expect(JSON.parse(alertBody("slack", facts))).toEqual({ text: 'Budget "daily" reached 80%: $0.80 of $1.00 this day.' });
    expect(JSON.parse(alertBody("json", facts))).toEqual({
      type: "budget.threshold",
      id: "a1",
      orgId: "o1",
      budget: { id: "b1", name: "daily", period: "day", timeZone: "UTC", action: "block", amountUsd: 1 },
      periodStart: "2026-03-14T00:00:00.000Z",
      periodEnd: "2026-03-15T00:00:00.000Z",
      thresholdPct: 80,
      spentUsd: 0.8,
      forecastUsd: 1.1,
      createdAt: "2026-03-14T00:00:01.000Z",
    });
  });
  test("signature: HMAC-SHA256 of `t.body`", () => {
    const body = '{"a":1}';
    const expected = createHmac("sha256", "s3cret").update(`1700000000.${body}`).digest("hex");
    expect(signature("s3cret", body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    expect(signature("other", body, 1_700_000_000)).not.toBe(`t=1700000000,v1=${expected}`);
  });
});
