/**
 * A routing rule's outcome: the requests it routed against the ones it matched
 * and left alone (its control group), side by side. Pure: the counts per slice
 * and latency bucket come from src/db/events.ts#ruleSliceCounts.
 */
import { latencyBucketCount, percentile } from "../stats/histogram.ts";
import { errorRate } from "../stats/rates.ts";

/**
 * `routed`: the model was rewritten. `control`: matched, outside the rule's
 * percentage, sent as asked. `skipped`: matched and chosen, but the request
 * lacked the target provider's key.
 */
export type Slice = "routed" | "control" | "skipped";

/** Requests of one slice in one latency bucket (src/stats/histogram.ts). */
export interface SliceCount {
  slice: Slice;
  bucket: number;
  requests: number;
  errors: number;
  costUsd: number;
  /** Requests with a known cost. */
  costed: number;
  latencySumMs: number;
  latencyMinMs: number;
  latencyMaxMs: number;
}

export interface SliceStats {
  requests: number;
  errors: number;
  errorRate: number;
  costUsd: number;
  /** Over the requests whose cost is known; null when none is. */
  costPerRequestUsd: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface RuleOutcome {
  routed: SliceStats;
  control: SliceStats;
  skipped: number;
}

export function ruleOutcome(counts: readonly SliceCount[]): RuleOutcome {
  return {
    routed: sliceStats(counts.filter((c) => c.slice === "routed")),
    control: sliceStats(counts.filter((c) => c.slice === "control")),
    skipped: counts.filter((c) => c.slice === "skipped").reduce((n, c) => n + c.requests, 0),
  };
}

function sliceStats(counts: readonly SliceCount[]): SliceStats {
  const histogram = new Array<number>(latencyBucketCount).fill(0);
  let requests = 0;
  let errors = 0;
  let costUsd = 0;
  let costed = 0;
  let latencySum = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const c of counts) {
    requests += c.requests;
    errors += c.errors;
    costUsd += c.costUsd;
    costed += c.costed;
    latencySum += c.latencySumMs;
    min = min === null ? c.latencyMinMs : Math.min(min, c.latencyMinMs);
    max = max === null ? c.latencyMaxMs : Math.max(max, c.latencyMaxMs);
    histogram[c.bucket]! += c.requests;
  }
  return {
    requests,
    errors,
    errorRate: errorRate(errors, requests),
    costUsd,
    costPerRequestUsd: costed === 0 ? null : costUsd / costed,
    avgLatencyMs: requests === 0 ? null : latencySum / requests,
    p95LatencyMs: percentile(histogram, 0.95, min, max),
  };
}
