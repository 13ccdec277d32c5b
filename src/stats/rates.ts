/** Small aggregation math shared by the rollup writer and the dashboard queries. Pure. */

/** Proxy-side failures that count as the provider's errors even when the status says otherwise (a stream cut mid-way). */
export const providerErrorCodes = ["upstream_timeout", "upstream_unreachable"] as const;
const providerErrorCodeSet: ReadonlySet<string> = new Set(providerErrorCodes);

/**
 * A provider error: status ≥ 500, 429, or Lectr could not reach or hear from
 * the provider. Other 4xx are the client's doing and are not errors.
 */
export function isProviderError(status: number, errorCode: string | null): boolean {
  return status >= 500 || status === 429 || (errorCode !== null && providerErrorCodeSet.has(errorCode));
}

/** errors / requests, 0 when there were no requests. */
export function errorRate(errors: number, requests: number): number {
  return requests === 0 ? 0 : errors / requests;
}

/** Percent change from previous to current (25 means +25 %), null when previous is 0. */
export function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return ((current - previous) / previous) * 100;
}
