/**
 * How a provider is doing right now against its own baseline (its last 7
 * days), as a word and a colour. Pure. A few errors in a quiet quarter hour
 * are noise: a state needs enough requests and errors behind it.
 */
export interface Window {
  requests: number;
  errors: number;
  errorRate: number;
  p95LatencyMs: number | null;
}

export type HealthState = "idle" | "ok" | "worse" | "failing";

export const stateLabels: Record<HealthState, string> = {
  idle: "No traffic",
  ok: "As usual",
  worse: "Worse than usual",
  failing: "Failing",
};

/** Fewer errors than this in the window is never worse than usual. */
const minErrors = 2;

export function healthState(now: Window, baseline: Window): HealthState {
  if (now.requests === 0) return "idle";
  const usual = baseline.requests > 0 ? baseline.errorRate : 0;
  const above = now.errorRate - usual;
  if (now.errors >= minErrors && now.errorRate >= 0.25 && above >= 0.15) return "failing";
  if (now.errors >= minErrors && above >= 0.05) return "worse";
  // latency: twice the usual p95 over enough requests to have a p95
  if (now.requests >= 20 && now.p95LatencyMs != null && baseline.p95LatencyMs != null && now.p95LatencyMs >= 2 * baseline.p95LatencyMs) return "worse";
  return "ok";
}

/** Hours where a provider failed: at least 5 errors and a quarter of its requests. */
export function incidentHours(points: readonly { start: string; requests: number; errors: number }[]): string[] {
  return points.filter((p) => p.errors >= 5 && p.errors / p.requests >= 0.25).map((p) => p.start);
}
