/**
 * Dashboard answers shaped from summed usage rows. Pure: the rows come from
 * src/db/usage.ts, the shapes are the GraphQL types'.
 */
import { providerIds, type ProviderId } from "../providers/types.ts";
import type { Sums } from "./aggregate.ts";
import { percentile } from "./histogram.ts";
import { floorTo, type Period } from "./period.ts";
import { changePct, errorRate } from "./rates.ts";

type Row = { part: number; provider: string; model: string; slot: number } & Sums;
type StatusRow = { provider: string; status: number; requests: number };

export interface ProviderCost {
  provider: ProviderId;
  costUsd: number;
  previousCostUsd: number;
  changePct: number | null;
  requests: number;
  previousRequests: number;
  /** Requests in the period whose model had no known price: their cost is not in costUsd. */
  unpricedRequests: number;
}

export interface CostBreakdown {
  from: number;
  to: number;
  previousFrom: number;
  previousTo: number;
  totalCostUsd: number;
  previousTotalCostUsd: number;
  changePct: number | null;
  requests: number;
  previousRequests: number;
  unpricedRequests: number;
  providers: ProviderCost[];
}

/** From rows grouped by part (0 current, 1 previous) and provider. */
export function costBreakdown(current: Period, previous: Period, rows: readonly Row[]): CostBreakdown {
  const byProvider = new Map<string, ProviderCost>();
  let total = 0;
  let previousTotal = 0;
  let requests = 0;
  let previousRequests = 0;
  let unpricedRequests = 0;
  for (const r of rows) {
    const p = byProvider.get(r.provider) ?? { provider: r.provider as ProviderId, costUsd: 0, previousCostUsd: 0, changePct: null, requests: 0, previousRequests: 0, unpricedRequests: 0 };
    if (r.part === 0) {
      p.costUsd += r.costUsd;
      p.requests += r.requests;
      p.unpricedRequests += r.unpriced;
      total += r.costUsd;
      requests += r.requests;
      unpricedRequests += r.unpriced;
    } else {
      p.previousCostUsd += r.costUsd;
      p.previousRequests += r.requests;
      previousTotal += r.costUsd;
      previousRequests += r.requests;
    }
    byProvider.set(r.provider, p);
  }
  const providers = [...byProvider.values()]
    .filter((p) => p.requests > 0 || p.previousRequests > 0)
    .map((p) => ({ ...p, changePct: changePct(p.costUsd, p.previousCostUsd) }))
    .sort((a, b) => b.costUsd - a.costUsd || b.previousCostUsd - a.previousCostUsd || providerOrder(a.provider) - providerOrder(b.provider));
  return {
    from: current.from,
    to: current.to,
    previousFrom: previous.from,
    previousTo: previous.to,
    totalCostUsd: total,
    previousTotalCostUsd: previousTotal,
    changePct: changePct(total, previousTotal),
    requests,
    previousRequests,
    unpricedRequests,
    providers,
  };
}

export interface ModelUsage {
  model: string;
  provider: ProviderId;
  requests: number;
  errors: number;
  costUsd: number;
  avgLatencyMs: number;
  p95LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  errorRate: number;
  unpricedRequests: number;
}

/** From rows grouped by provider and model (with the histogram); most requests first. */
export function modelDistribution(rows: readonly Row[]): ModelUsage[] {
  return rows
    .filter((r) => r.requests > 0)
    .map((r) => ({
      model: r.model,
      provider: r.provider as ProviderId,
      requests: r.requests,
      errors: r.errors,
      costUsd: r.costUsd,
      avgLatencyMs: r.latencySumMs / r.requests,
      p95LatencyMs: percentile(r.histogram, 0.95, r.latencyMinMs, r.latencyMaxMs),
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      errorRate: errorRate(r.errors, r.requests),
      unpricedRequests: r.unpriced,
    }))
    .sort((a, b) => b.requests - a.requests || b.costUsd - a.costUsd || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
}

export interface ProviderHealth {
  provider: ProviderId;
  requests: number;
  errors: number;
  errorRate: number;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  lastErrorAt: number | null;
  statusCounts: { status: number; count: number }[];
}

/** Every provider, in a fixed order, from rows grouped by provider and status counts per provider. */
export function providerHealth(rows: readonly Row[], statuses: readonly StatusRow[]): ProviderHealth[] {
  return providerIds.map((provider) => {
    const r = rows.find((x) => x.provider === provider);
    const requests = r?.requests ?? 0;
    const errors = r?.errors ?? 0;
    return {
      provider,
      requests,
      errors,
      errorRate: errorRate(errors, requests),
      avgLatencyMs: r && requests > 0 ? r.latencySumMs / requests : null,
      p50LatencyMs: r && requests > 0 ? percentile(r.histogram, 0.5, r.latencyMinMs, r.latencyMaxMs) : null,
      p95LatencyMs: r && requests > 0 ? percentile(r.histogram, 0.95, r.latencyMinMs, r.latencyMaxMs) : null,
      lastErrorAt: r?.lastErrorAt ?? null,
      statusCounts: statuses
        .filter((s) => s.provider === provider && s.requests > 0)
        .map((s) => ({ status: s.status, count: s.requests }))
        .sort((a, b) => a.status - b.status),
    };
  });
}

export interface UsagePoint {
  start: number;
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  /** From the slot's latency histogram when the rows carry one; null without requests. */
  p95LatencyMs: number | null;
}

/**
 * One point per slot from the slot holding `from` to the last one starting
 * before `to`, zeros where nothing happened (charts draw no gaps).
 */
export function usageSeries(period: Period, slotMs: number, rows: readonly Row[]): UsagePoint[] {
  const bySlot = new Map(rows.map((r) => [r.slot, r]));
  const points: UsagePoint[] = [];
  for (let start = floorTo(period.from, slotMs); start < period.to; start += slotMs) {
    const r = bySlot.get(start);
    points.push({
      start,
      requests: r?.requests ?? 0,
      costUsd: r?.costUsd ?? 0,
      inputTokens: r?.inputTokens ?? 0,
      outputTokens: r?.outputTokens ?? 0,
      errors: r?.errors ?? 0,
      p95LatencyMs: r && r.requests > 0 && r.histogram.some((n) => n > 0) ? percentile(r.histogram, 0.95, r.latencyMinMs, r.latencyMaxMs) : null,
    });
  }
  return points;
}

const providerOrder = (p: string) => {
  const i = (providerIds as readonly string[]).indexOf(p);
  return i === -1 ? providerIds.length : i;
};
