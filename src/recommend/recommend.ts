/**
 * Recommendations: for each model an org used in a period, the cheaper models
 * of the same provider its traffic could have gone to, what that traffic
 * would have cost there, and why Lectr suggests it. Pure: the usage comes from
 * the rollups (src/db/usage.ts), prices from the registry.
 */
import { computeCost } from "../pricing/cost.ts";
import type { PriceRegistry } from "../pricing/registry.ts";
import type { ProviderId } from "../providers/types.ts";
import type { Sums } from "../stats/aggregate.ts";
import { dayMs, type Period } from "../stats/period.ts";
import { errorRate } from "../stats/rates.ts";
import { familyOf, pathsFrom } from "./family.ts";
import { handledWell, highConfidenceShare, maxAvgOutputTokens, mismatchedShareLimit, type DowngradePath, type Tier } from "./paths.ts";

/** The rollup sums a recommendation reads (src/stats/aggregate.ts). */
type UsageSums = Pick<Sums, "requests" | "errors" | "unpriced" | "costUsd" | "inputTokens" | "outputTokens">;

/** One provider, model and X-Lectr-Task (null: untagged) over the period. */
export interface TaskUsage extends UsageSums {
  provider: ProviderId;
  model: string;
  task: string | null;
}

export type Confidence = "HIGH" | "HEURISTIC";

export interface TaskShare {
  task: string;
  requests: number;
}

export interface Recommendation {
  provider: ProviderId;
  fromModel: string;
  toModel: string;
  tier: Tier;
  confidence: Confidence;
  requests: number;
  currentCostUsd: number;
  projectedCostUsd: number;
  estimatedSavingsUsd: number;
  /** The period's savings scaled to 30 days. */
  monthlySavingsUsd: number;
  /** The same, only when the period has at least 7 days behind it (a day's traffic says little about a month); else null. */
  projectedMonthlySavingsUsd: number | null;
  /** Tagged requests per task, most first; untagged ones are the rest of `requests`. */
  tasks: TaskShare[];
  reason: string;
}

interface ModelUsage extends UsageSums {
  provider: ProviderId;
  model: string;
  tasks: Map<string, number>;
}

/** Largest savings first. */
export function recommend(rows: readonly TaskUsage[], opts: { period: Period; prices: PriceRegistry }): Recommendation[] {
  return assess(rows, opts).recommendations;
}

/** A model that got no recommendation, and why not, in a sentence. */
export interface Unrecommended {
  provider: ProviderId;
  model: string;
  requests: number;
  costUsd: number;
  reason: string;
}

/** Recommendations (largest savings first) and, for every model without one, the reason (costliest first). */
export function assess(rows: readonly TaskUsage[], opts: { period: Period; prices: PriceRegistry }): { recommendations: Recommendation[]; unrecommended: Unrecommended[] } {
  const models = byModel(rows);
  const families = errorsByFamily(rows);
  const out: Recommendation[] = [];
  const without: Unrecommended[] = [];
  for (const m of models) {
    const paths = pathsFrom(m.provider, m.model);
    const reasons: string[] = [];
    // Without a price for every request the current cost is not known, so neither is a saving.
    if (m.unpriced > 0) reasons.push(`${m.unpriced} of its ${m.requests} requests have no known price, so what a switch would save is not known`);
    else if (paths.length === 0) reasons.push(`Lectr knows no cheaper model of the same provider that does the work of ${m.model}`);
    else
      for (const p of paths) {
        const r = consider(m, p, families, opts);
        if (typeof r === "string") reasons.push(r);
        else out.push(r);
      }
    if (!out.some((r) => r.provider === m.provider && r.fromModel === m.model)) {
      without.push({ provider: m.provider, model: m.model, requests: m.requests, costUsd: m.costUsd, reason: `${capitalise(reasons[0] ?? "no cheaper model fits")}.` });
    }
  }
  out.sort(
    (a, b) =>
      b.estimatedSavingsUsd - a.estimatedSavingsUsd ||
      a.provider.localeCompare(b.provider) ||
      a.fromModel.localeCompare(b.fromModel) ||
      a.toModel.localeCompare(b.toModel),
  );
  without.sort((a, b) => b.costUsd - a.costUsd || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  return { recommendations: out, unrecommended: without };
}

/** A recommendation along one path, or why not (a clause). */
function consider(m: ModelUsage, p: DowngradePath, families: Map<string, { requests: number; errors: number }>, opts: { period: Period; prices: PriceRegistry }): Recommendation | string {
  // Projected at the target's price in force when the period ends. Rollups keep no cache split,
  // so cached input is projected at the full input price: the saving shown is a lower bound.
  const price = opts.prices.lookup(m.provider, p.to, opts.period.to);
  const projected = computeCost({ inputTokens: m.inputTokens, outputTokens: m.outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, price).costUsd;
  if (projected === null) return `no price is known for ${p.to}, the cheaper model of its kind`;
  const savings = m.costUsd - projected;
  if (!(savings > 0)) return `its traffic would cost no less on ${p.to}`;

  const fromRate = errorRate(m.errors, m.requests);
  const target = families.get(familyKey(m.provider, p.to));
  const toRate = target ? errorRate(target.errors, target.requests) : undefined;
  if (toRate !== undefined && toRate > fromRate) return `in your traffic, ${p.to} fails more often (${pct(toRate, 1)}) than ${m.model} (${pct(fromRate, 1)})`;

  const good = new Set<string>(handledWell[p.tier]);
  let wellTagged = 0;
  let otherTagged = 0;
  for (const [task, n] of m.tasks) {
    if (good.has(task)) wellTagged += n;
    else otherTagged += n;
  }
  const answered = Math.max(1, m.requests - m.errors);
  const avgOutput = m.outputTokens / answered;
  const errorsClause =
    toRate === undefined
      ? `${p.to} has no traffic of yours in the period to compare error rates with (${m.model}: ${pct(fromRate, 1)})`
      : `its error rate in your traffic (${pct(toRate, 1)}) is not above ${m.model}'s (${pct(fromRate, 1)})`;

  let confidence: Confidence;
  let why: string;
  if (wellTagged / m.requests >= highConfidenceShare) {
    confidence = "HIGH";
    const names = [...m.tasks.keys()].filter((t) => good.has(t)).sort();
    why = `${pct(wellTagged / m.requests)} of ${m.requests} requests are tagged ${names.join(", ")}, work ${p.to} handles well`;
  } else {
    // Tagged as work the target is not trusted with: the tags outweigh any heuristic.
    if (otherTagged / m.requests > mismatchedShareLimit) return `${pct(otherTagged / m.requests)} of its requests are tagged as work ${p.to} is not trusted with`;
    if (avgOutput > maxAvgOutputTokens[p.tier])
      return `its answers average ${Math.round(avgOutput)} output tokens, more than the ${maxAvgOutputTokens[p.tier]} trusted to a ${p.tier.toLowerCase()} step to ${p.to}`;
    confidence = "HEURISTIC";
    const untagged = m.requests - wellTagged - otherTagged;
    why =
      `judged from output length and error rate (${pct(untagged / m.requests)} of ${m.requests} requests untagged): ` +
      `answers average ${Math.round(avgOutput)} output tokens, within the ${maxAvgOutputTokens[p.tier]} trusted to ${p.tier.toLowerCase()} steps`;
  }

  return {
    provider: m.provider,
    fromModel: m.model,
    toModel: p.to,
    tier: p.tier,
    confidence,
    requests: m.requests,
    currentCostUsd: m.costUsd,
    projectedCostUsd: projected,
    estimatedSavingsUsd: savings,
    monthlySavingsUsd: (savings * 30 * dayMs) / (opts.period.to - opts.period.from),
    projectedMonthlySavingsUsd: opts.period.to - opts.period.from >= minProjectionMs ? (savings * 30 * dayMs) / (opts.period.to - opts.period.from) : null,
    tasks: [...m.tasks].map(([task, requests]) => ({ task, requests })).sort((a, b) => b.requests - a.requests || a.task.localeCompare(b.task)),
    reason: `${capitalise(why)}; ${errorsClause}.`,
  };
}

function byModel(rows: readonly TaskUsage[]): ModelUsage[] {
  const out = new Map<string, ModelUsage>();
  for (const r of rows) {
    if (r.requests === 0) continue;
    const key = `${r.provider}\u0000${r.model}`;
    let m = out.get(key);
    if (!m) {
      m = { provider: r.provider, model: r.model, requests: 0, errors: 0, unpriced: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, tasks: new Map() };
      out.set(key, m);
    }
    m.requests += r.requests;
    m.errors += r.errors;
    m.unpriced += r.unpriced;
    m.costUsd += r.costUsd;
    m.inputTokens += r.inputTokens;
    m.outputTokens += r.outputTokens;
    if (r.task !== null) m.tasks.set(r.task, (m.tasks.get(r.task) ?? 0) + r.requests);
  }
  return [...out.values()];
}

const familyKey = (provider: ProviderId, model: string) => `${provider}\u0000${familyOf(provider, model)}`;

/** Requests and errors per provider and model family: a target's record in the org's own traffic. */
function errorsByFamily(rows: readonly TaskUsage[]): Map<string, { requests: number; errors: number }> {
  const out = new Map<string, { requests: number; errors: number }>();
  for (const r of rows) {
    const key = familyKey(r.provider, r.model);
    const f = out.get(key) ?? { requests: 0, errors: 0 };
    f.requests += r.requests;
    f.errors += r.errors;
    out.set(key, f);
  }
  return out;
}

/** The shortest period a month is projected from. */
export const minProjectionMs = 7 * dayMs;

const pct = (x: number, digits = 0) => `${(x * 100).toFixed(digits)}%`;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
