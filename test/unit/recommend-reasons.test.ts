/** Why a model gets no recommendation (the top spender is always explained), and when a month is projected at all. */
import { expect, test } from "bun:test";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { assess, type TaskUsage } from "../../src/recommend/recommend.ts";

const day = 86_400_000;
const to = Date.UTC(2026, 10, 1);
const week = { period: { from: to - 7 * day, to }, prices: builtinPrices };

const usage = (o: Partial<TaskUsage>): TaskUsage => ({ provider: "openai", model: "gpt-4o", task: null, requests: 1000, errors: 0, unpriced: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, ...o });

test("every model without a recommendation has its reason, costliest first", () => {
  const { recommendations, unrecommended } = assess(
    [
      // long answers: too much for a smaller sibling
      usage({ inputTokens: 1_000_000, outputTokens: 2_000_000, costUsd: 22.5 }),
      // no cheaper model known
      usage({ model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 100_000, costUsd: 0.21 }),
      // some requests unpriced
      usage({ provider: "anthropic", model: "claude-3-opus-20240229", unpriced: 3, requests: 10, costUsd: 5 }),
    ],
    week,
  );
  expect(recommendations).toEqual([]);
  expect(unrecommended).toEqual([
    { provider: "openai", model: "gpt-4o", requests: 1000, costUsd: 22.5, reason: "Its answers average 2000 output tokens, more than the 600 trusted to a moderate step to gpt-4o-mini." },
    { provider: "anthropic", model: "claude-3-opus-20240229", requests: 10, costUsd: 5, reason: "3 of its 10 requests have no known price, so what a switch would save is not known." },
    { provider: "openai", model: "gpt-4o-mini", requests: 1000, costUsd: 0.21, reason: "Lectr knows no cheaper model of the same provider that does the work of gpt-4o-mini." },
  ]);
});

test("a target that fails more in your traffic is the reason given", () => {
  const { unrecommended } = assess(
    [usage({ inputTokens: 1_000_000, outputTokens: 100_000, costUsd: 3.5, errors: 10 }), usage({ model: "gpt-4o-mini", requests: 100, errors: 50, costUsd: 0.01 })],
    week,
  );
  expect(unrecommended[0]).toEqual({ provider: "openai", model: "gpt-4o", requests: 1000, costUsd: 3.5, reason: "In your traffic, gpt-4o-mini fails more often (50.0%) than gpt-4o (1.0%)." });
});

test("a month is projected from 7 days or more, never from one day", () => {
  const u = [usage({ inputTokens: 1_000_000, outputTokens: 200_000, costUsd: 4.5 })];
  const [weekly] = assess(u, week).recommendations;
  expect(weekly!.projectedMonthlySavingsUsd).toBeCloseTo((weekly!.estimatedSavingsUsd * 30) / 7, 12);
  const [daily] = assess(u, { ...week, period: { from: to - day, to } }).recommendations;
  expect(daily!.projectedMonthlySavingsUsd).toBeNull();
  expect(daily!.estimatedSavingsUsd).toBeCloseTo(weekly!.estimatedSavingsUsd, 12);
});
