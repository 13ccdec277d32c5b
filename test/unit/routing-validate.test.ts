/** What a routing rule may say, and how create and update fill in what is left out. */
import { describe, expect, test } from "bun:test";
import type { RuleFields } from "../../src/db/routing.ts";
import { ruleFields, type RuleInput } from "../../src/routing/validate.ts";
import { ruleOutcome, type SliceCount } from "../../src/routing/stats.ts";

const created = (input: RuleInput) => ruleFields(input);

describe("creating", () => {
  test("what is left out matches anything, keeps the provider, routes 100% and is enabled; text is trimmed", () => {
    expect(created({ model: " gpt-4o ", targetModel: "gpt-4o-mini " })).toEqual({
      ok: true,
      value: { feature: null, task: null, model: "gpt-4o", provider: null, targetModel: "gpt-4o-mini", targetProvider: null, percent: 100, enabled: true },
    });
    expect(created({ feature: "search", task: "Classification", targetModel: "gpt-4.1-nano", percent: 10, enabled: false })).toMatchObject({
      ok: true,
      value: { feature: "search", task: "classification", percent: 10, enabled: false },
    });
  });

  test.each([
    ["model glob", { model: "gpt-4o*", targetModel: "gpt-4o-mini" }],
    ["every model", { model: "*", provider: "openai", targetModel: "gpt-4o-mini" }],
    ["percent 1", { task: "extraction", targetModel: "gpt-4o-mini", percent: 1 }],
    ["another provider, named", { model: "gpt-4o", targetModel: "claude-haiku-4-5", targetProvider: "anthropic" }],
    ["an Azure deployment named like a model", { model: "prod-gpt4o", provider: "azure", targetModel: "gpt-4o-mini" }],
    ["a model no provider claims", { model: "gpt-4o", targetModel: "my-finetune" }],
    ["a feature-only rule: the destination is not known, so not judged", { feature: "search", targetModel: "claude-haiku-4-5" }],
  ] as [string, RuleInput][])("accepted: %s", (_name, input) => {
    expect(created(input).ok).toBe(true);
  });

  test.each([
    ["no match at all", { targetModel: "gpt-4o-mini" }, "must match on feature, task or model"],
    ["only a provider", { provider: "openai", targetModel: "gpt-4o-mini" }, "must match on feature, task or model"],
    ["percent 0", { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 0 }, "percent must be a whole number from 1 to 100"],
    ["percent 101", { model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 101 }, "percent"],
    ["* inside the model", { model: "gpt-*-mini", targetModel: "gpt-4o-mini" }, "may have no other *"],
    ["two trailing *", { model: "gpt**", targetModel: "gpt-4o-mini" }, "may have no other *"],
    ["* in the target", { model: "gpt-4o", targetModel: "gpt-4o-*" }, "targetModel"],
    ["an empty target", { model: "gpt-4o", targetModel: "  " }, "targetModel"],
    ["an empty model", { model: "", targetModel: "gpt-4o-mini" }, "model must be 1 to 256"],
    ["a blank feature", { feature: " ", targetModel: "gpt-4o-mini" }, "feature must be 1 to 128"],
    ["a long feature", { feature: "x".repeat(129), targetModel: "gpt-4o-mini" }, "feature"],
    ["an unknown task", { task: "poetry", targetModel: "gpt-4o-mini" }, "task must be one of chat, classification"],
    ["a Claude model on OpenAI", { model: "gpt-4o", targetModel: "claude-haiku-4-5" }, "belongs to anthropic, but the requests this rule matches go to openai: set targetProvider to ANTHROPIC"],
    ["a target provider that is not the target's", { model: "gpt-4o", targetModel: "claude-haiku-4-5", targetProvider: "groq" }, "but targetProvider is groq"],
    ["routing a model to itself", { model: "gpt-4o", targetModel: "gpt-4o" }, "would change nothing"],
  ] as [string, RuleInput, string][])("refused: %s", (_name, input, message) => {
    const r = created(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe("updating", () => {
  const current: RuleFields = { feature: "search", task: "classification", model: "gpt-4o", provider: "openai", targetModel: "gpt-4o-mini", targetProvider: null, percent: 10, enabled: true };

  test("fields left out keep their value; null clears a match field; percent and enabled are never cleared", () => {
    expect(ruleFields({ targetModel: "gpt-4.1-nano" }, current)).toEqual({ ok: true, value: { ...current, targetModel: "gpt-4.1-nano" } });
    expect(ruleFields({ targetModel: "gpt-4o-mini", feature: null, percent: null, enabled: null }, current)).toEqual({ ok: true, value: { ...current, feature: null } });
    expect(ruleFields({ targetModel: "gpt-4o-mini", percent: 50, enabled: false }, current)).toEqual({ ok: true, value: { ...current, percent: 50, enabled: false } });
  });

  test("the result is checked as a whole", () => {
    expect(ruleFields({ targetModel: "gpt-4o-mini", feature: null, task: null, model: null }, current)).toMatchObject({ ok: false });
  });
});

test("rule outcome: slices folded from per-bucket counts, p95 from the histogram clamped to what was seen", () => {
  const c = (slice: SliceCount["slice"], bucket: number, requests: number, latency: number, o: Partial<SliceCount> = {}): SliceCount => ({
    slice, bucket, requests, errors: 0, costUsd: 0, costed: requests, latencySumMs: requests * latency, latencyMinMs: latency, latencyMaxMs: latency, ...o,
  });
  expect(ruleOutcome([c("routed", 11, 90, 100, { costUsd: 0.9, errors: 9 }), c("routed", 16, 10, 1000, { costUsd: 0.1, costed: 5 }), c("skipped", 11, 3, 100)])).toEqual({
    routed: { requests: 100, errors: 9, errorRate: 0.09, costUsd: 1, costPerRequestUsd: 1 / 95, avgLatencyMs: (9000 + 10000) / 100, p95LatencyMs: 1000 },
    control: { requests: 0, errors: 0, errorRate: 0, costUsd: 0, costPerRequestUsd: null, avgLatencyMs: null, p95LatencyMs: null },
    skipped: 3,
  });
});
