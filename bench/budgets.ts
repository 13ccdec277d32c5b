/**
 * What admission costs the request path: `admit` (estimate, match, reserve)
 * plus `settle`, per request, on this thread, with 100 budgets and 5 rate
 * limits defined for the org, next to the same call for an org without any
 * (one map lookup) in the same run. The target: ≤ 20 µs with 100
 * budgets. `bun bench/budgets.ts [--iterations N]`
 */
import { estimateCall } from "../src/budgets/estimate.ts";
import { createBudgetGuard } from "../src/budgets/guard.ts";
import type { Budget, CallFacts, RateLimit } from "../src/budgets/types.ts";
import { createPriceBook } from "../src/pricing/price-book.ts";
import { loadPriceRegistry } from "../src/pricing/prices-file.ts";
import { option } from "./lib/args.ts";
import { median, table } from "./lib/stats.ts";

export interface BudgetBenchResult {
  budgets: number;
  limits: number;
  /** Budgets the measured request counts against. */
  matched: number;
  iterations: number;
  admitUs: number;
  baselineUs: number;
}

const scope = { feature: null, task: null, keyId: null, provider: null, model: null };

/** 100 budgets of every shape: org-wide, per feature, per model prefix, per key, per provider. */
function budgets(orgId: string): Budget[] {
  return Array.from({ length: 100 }, (_, i) => {
    const kind = i % 5;
    return {
      id: `b${i}`,
      orgId,
      name: `budget ${i}`,
      scope: {
        ...scope,
        ...(kind === 1 ? { feature: `feature-${i % 10}` } : {}),
        ...(kind === 2 ? { model: i % 2 ? "gpt-4o*" : "claude-*" } : {}),
        ...(kind === 3 ? { keyId: `key-${i % 4}` } : {}),
        ...(kind === 4 ? { provider: "openai", task: "chat" } : {}),
      },
      period: (["day", "week", "month"] as const)[i % 3]!,
      timeZone: i % 2 ? "UTC" : "Europe/Berlin",
      amountUsd: 1e9,
      thresholds: [50, 80, 100],
      action: i % 2 ? "block" : "alert",
      exempt: [],
    };
  });
}

function limits(orgId: string): RateLimit[] {
  return Array.from({ length: 5 }, (_, i) => ({ id: `l${i}`, orgId, name: `limit ${i}`, keyId: i === 0 ? "key-1" : null, feature: null, requestsPerMinute: 1e12, tokensPerMinute: 1e15 }));
}

export function runBudgetBench(iterations = 200_000, rounds = 5): BudgetBenchResult {
  const book = createPriceBook(loadPriceRegistry(undefined));
  const guard = createBudgetGuard();
  const defs = { budgets: budgets("org"), limits: limits("org") };
  const now = Date.now();
  guard.apply({ definitions: defs, replicas: 1, spent: [], remote: [], leases: [], written: [] }, now);
  const facts: CallFacts = { orgId: "org", keyId: "key-1", feature: "feature-1", task: "chat", provider: "openai", model: "gpt-4o-mini", route: "/v1/chat/completions" };
  const other: CallFacts = { ...facts, orgId: "no-budgets" };
  const json = { model: "gpt-4o-mini", max_tokens: 200, messages: [{ role: "user", content: "hello" }] };
  const estimate = () => estimateCall(book, { provider: "openai", model: "gpt-4o-mini", endpoint: "/v1/chat/completions", method: "POST", at: now, bodyBytes: 900, json, recentOutputP95: guard.outputP95("org", "gpt-4o-mini") });
  const first = guard.admit(facts, estimate, now);
  const matched = first.ok && first.value ? first.value.ledgers.length : 0;

  const time = (f: CallFacts) => {
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) {
        const at = now + i;
        const a = guard.admit(f, estimate, at);
        if (a.ok && a.value) guard.settle(a.value, `e${i}`, 0, 300, at);
      }
      samples.push(((performance.now() - t0) * 1000) / iterations);
    }
    return median(samples);
  };
  time(facts); // warm the JIT
  return { budgets: defs.budgets.length, limits: defs.limits.length, matched, iterations, admitUs: time(facts), baselineUs: time(other) };
}

export function budgetReport(r: BudgetBenchResult): string {
  return table(
    ["org", "budgets / limits", "budgets matched", "admit + settle per request", "target"],
    [
      ["without budgets", "0 / 0", "0", `${r.baselineUs.toFixed(3)} µs`, ""],
      ["with budgets", `${r.budgets} / ${r.limits}`, String(r.matched), `**${r.admitUs.toFixed(2)} µs**`, `≤ 20 µs ${r.admitUs <= 20 ? "✅" : "❌"}`],
    ],
  );
}

if (import.meta.main) {
  const r = runBudgetBench(Number(option("iterations") ?? 200_000));
  console.log(budgetReport(r));
}
