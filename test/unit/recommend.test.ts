/** The recommendation engine on fixed usage: savings math, confidence, the error-rate rule, order; and a property test that it never crosses providers. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { detectProvider } from "../../src/providers/detect.ts";
import { providerIds } from "../../src/providers/types.ts";
import { tasks } from "../../src/lib/tags.ts";
import { familyOf } from "../../src/recommend/family.ts";
import { downgradePaths } from "../../src/recommend/paths.ts";
import { recommend, type TaskUsage } from "../../src/recommend/recommend.ts";

const day = 86_400_000;
const to = Date.UTC(2026, 10, 1);
const week = { from: to - 7 * day, to };
const opts = { period: week, prices: builtinPrices };

const usage = (o: Partial<TaskUsage>): TaskUsage => ({
  provider: "openai",
  model: "gpt-4o",
  task: null,
  requests: 1000,
  errors: 0,
  unpriced: 0,
  costUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
  ...o,
});

describe("savings", () => {
  test("projected = the traffic's own tokens at the target's prices; monthly = the period's saving per 30 days", () => {
    // 1,000 gpt-4o requests: 1M input tokens, 200k output (200 per request); recorded cost 1 × 2.50 + 0.2 × 10 = 4.50
    const recs = recommend([usage({ inputTokens: 1_000_000, outputTokens: 200_000, costUsd: 4.5 })], opts);
    const projected = 1 * 0.15 + 0.2 * 0.6; // gpt-4o-mini
    expect(recs).toEqual([
      {
        provider: "openai",
        fromModel: "gpt-4o",
        toModel: "gpt-4o-mini",
        tier: "MODERATE",
        confidence: "HEURISTIC",
        requests: 1000,
        currentCostUsd: 4.5,
        projectedCostUsd: expect.closeTo(projected, 12),
        estimatedSavingsUsd: expect.closeTo(4.5 - projected, 12),
        monthlySavingsUsd: expect.closeTo(((4.5 - projected) * 30) / 7, 12),
        projectedMonthlySavingsUsd: expect.closeTo(((4.5 - projected) * 30) / 7, 12),
        tasks: [],
        reason:
          "Judged from output length and error rate (100% of 1000 requests untagged): answers average 200 output tokens, within the 600 trusted to moderate steps; gpt-4o-mini has no traffic of yours in the period to compare error rates with (gpt-4o: 0.0%).",
      },
    ]);
  });

  test("the recorded cost is what is saved from (e.g. after cache discounts), the projection is at list price", () => {
    const [r] = recommend([usage({ model: "claude-3-opus-20240229", provider: "anthropic", inputTokens: 2_000_000, outputTokens: 100_000, costUsd: 20, task: "classification" })], opts);
    expect(r!.toModel).toBe("claude-3-5-haiku-20241022");
    expect(r!.projectedCostUsd).toBeCloseTo(2 * 0.8 + 0.1 * 4, 12);
    expect(r!.estimatedSavingsUsd).toBeCloseTo(20 - 2, 12);
  });

  test("no saving, no recommendation; unpriced traffic is never recommended from", () => {
    // recorded cost already below the target's list price (heavily cached prompts, say)
    expect(recommend([usage({ inputTokens: 1_000_000, outputTokens: 0, costUsd: 0.1 })], opts)).toEqual([]);
    expect(recommend([usage({ inputTokens: 1_000_000, outputTokens: 0, costUsd: 2.5, unpriced: 1 })], opts)).toEqual([]);
  });

  test("largest saving first, across providers and tiers", () => {
    const recs = recommend(
      [
        usage({ provider: "openai", model: "gpt-4o", inputTokens: 1_000_000, costUsd: 2.5 }),
        usage({ provider: "anthropic", model: "claude-3-opus-20240229", inputTokens: 1_000_000, costUsd: 15 }),
        usage({ provider: "groq", model: "llama-3.1-70b-versatile", inputTokens: 1_000_000, costUsd: 0.59 }),
        usage({ provider: "gemini", model: "gemini-1.5-pro", inputTokens: 1_000_000, costUsd: 1.25 }),
      ],
      opts,
    );
    expect(recs.map((r) => [r.fromModel, r.toModel, r.tier])).toEqual([
      ["claude-3-opus-20240229", "claude-3-5-haiku-20241022", "AGGRESSIVE"],
      ["claude-3-opus-20240229", "claude-3-5-sonnet-20241022", "CONSERVATIVE"],
      ["gpt-4o", "gpt-4o-mini", "MODERATE"],
      ["gemini-1.5-pro", "gemini-1.5-flash", "MODERATE"],
      ["llama-3.1-70b-versatile", "llama-3.1-8b-instant", "MODERATE"],
    ]);
    const savings = recs.map((r) => r.estimatedSavingsUsd);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
  });
});

describe("confidence", () => {
  const traffic = (shares: [string | null, number][], outputPerRequest = 100) =>
    shares.map(([task, requests]) => usage({ task, requests, inputTokens: requests * 1000, outputTokens: requests * outputPerRequest, costUsd: requests * 0.01 }));
  const only = (rows: TaskUsage[]) => recommend(rows, opts).map((r) => [r.confidence, r.tasks]);

  test("HIGH when at least 80% of the requests are tagged with tasks the target handles well", () => {
    expect(only(traffic([["classification", 600], ["extraction", 200], [null, 200]]))).toEqual([
      ["HIGH", [{ task: "classification", requests: 600 }, { task: "extraction", requests: 200 }]],
    ]);
    // tagged long answers are still HIGH: the tags are the evidence
    expect(only(traffic([["summarization", 900], ["chat", 100]], 5000))).toEqual([["HIGH", [{ task: "summarization", requests: 900 }, { task: "chat", requests: 100 }]]]);
  });

  test("HEURISTIC below that, judged from output length: short answers yes, long ones no", () => {
    expect(only(traffic([["classification", 700], [null, 300]]))).toEqual([["HEURISTIC", [{ task: "classification", requests: 700 }]]]);
    expect(only(traffic([[null, 1000]], 600))).toEqual([["HEURISTIC", []]]);
    expect(only(traffic([[null, 1000]], 601))).toEqual([]);
  });

  test("the limit follows the tier: an aggressive step only for the shortest answers", () => {
    const opus = (out: number) =>
      recommend([usage({ provider: "anthropic", model: "claude-3-opus-20240229", inputTokens: 1_000_000, outputTokens: 1000 * out, costUsd: 100 })], opts).map((r) => r.tier);
    expect(opus(300)).toEqual(["AGGRESSIVE", "CONSERVATIVE"]);
    expect(opus(301)).toEqual(["CONSERVATIVE"]);
    expect(opus(1501)).toEqual([]);
  });

  test("traffic tagged mostly with work the target is not trusted with is not recommended, however short", () => {
    expect(only(traffic([["reasoning", 600], [null, 400]], 10))).toEqual([]);
    expect(only(traffic([["code", 500], [null, 500]], 10))).toEqual([["HEURISTIC", [{ task: "code", requests: 500 }]]]);
    // answers the error count does not dilute: averaged over answered requests only
    expect(only([usage({ requests: 1000, errors: 500, outputTokens: 500 * 601, costUsd: 10 })])).toEqual([]);
  });
});

describe("error rates in the org's own traffic", () => {
  const source = usage({ requests: 1000, errors: 20, inputTokens: 1_000_000, costUsd: 2.5 });

  test("never a target with a higher error rate than the source; equal is fine", () => {
    const target = (requests: number, errors: number) => usage({ model: "gpt-4o-mini-2024-07-18", requests, errors });
    expect(recommend([source, target(100, 3)], opts)).toEqual([]);
    const [r] = recommend([source, target(100, 2)], opts);
    expect(r!.reason).toEndWith("its error rate in your traffic (2.0%) is not above gpt-4o's (2.0%).");
  });

  test("another provider's traffic on a model of the same name does not count", () => {
    expect(recommend([source, usage({ provider: "azure", model: "gpt-4o-mini", requests: 10, errors: 10 })], opts).length).toBe(1);
  });
});

test("property: whatever the traffic, a recommendation is a listed path of the source's own provider, and saves money", () => {
  const pricedModels = builtinPrices.rows.map((r) => r.model);
  const odd = ["my-finetune", "prod-gpt4o", "models/gemini-1.5-pro-002", "claude-3-opus-latest", "llama-3.1-70b-versatile", "gpt-4o-2024-08-06"];
  // per-request tokens and prices in realistic ranges; the provider is the model's own half the time, any other the rest
  const row = fc
    .noBias(
      fc.record({
        model: fc.constantFrom(...pricedModels, ...odd),
        otherProvider: fc.option(fc.constantFrom(...providerIds), { freq: 2 }),
        task: fc.constantFrom(null, ...tasks),
        requests: fc.integer({ min: 1, max: 10_000 }),
        errorShare: fc.constantFrom(0, 0, 0.01, 0.05, 0.5),
        unpriced: fc.constantFrom(0, 0, 0, 1),
        inputPerRequest: fc.integer({ min: 0, max: 5_000 }),
        outputPerRequest: fc.integer({ min: 0, max: 1_000 }),
        centsPerMTok: fc.integer({ min: 0, max: 10_000 }),
      }),
    )
    .map(({ model, otherProvider, errorShare, inputPerRequest, outputPerRequest, centsPerMTok, ...r }) => ({
      ...r,
      model,
      provider: otherProvider ?? detectProvider(model) ?? "openai",
      errors: Math.floor(errorShare * r.requests),
      inputTokens: inputPerRequest * r.requests,
      outputTokens: outputPerRequest * r.requests,
      costUsd: ((inputPerRequest + outputPerRequest) * r.requests * centsPerMTok) / 1e8,
    }));
  let seen = 0;
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), (rows: TaskUsage[]) => {
      for (const rec of recommend(rows, opts)) {
        seen++;
        const sources = rows.filter((r) => r.model === rec.fromModel && r.provider === rec.provider);
        expect(sources.length).toBeGreaterThan(0);
        expect(detectProvider(rec.toModel)).toBe(rec.provider);
        expect(downgradePaths.some((p) => p.provider === rec.provider && p.from === familyOf(rec.provider, rec.fromModel) && p.to === rec.toModel && p.tier === rec.tier)).toBe(true);
        expect(rec.estimatedSavingsUsd).toBeGreaterThan(0);
        expect(rec.projectedCostUsd).toBeGreaterThanOrEqual(0);
      }
    }),
    { numRuns: 300 },
  );
  // not vacuous: the random traffic does produce recommendations
  expect(seen).toBeGreaterThan(100);
});
