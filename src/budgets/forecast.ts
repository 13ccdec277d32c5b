/**
 * Threshold crossings and the end-of-period forecast of a budget. Pure.
 *
 * The forecast extends the budget's own hourly spend: what is spent so far,
 * plus the rate of the trailing window (the last quarter of the elapsed
 * period, at least 1 h and at most 7 days, so a spike an hour ago weighs more
 * than last week's quiet) times the time left.
 */
const hourMs = 3_600_000;

/** Thresholds (percent) that `spentUsd` has reached, ascending. */
export function crossedThresholds(thresholds: readonly number[], spentUsd: number, amountUsd: number): number[] {
  if (amountUsd <= 0) return [];
  return thresholds.filter((t) => spentUsd >= (amountUsd * t) / 100 - 1e-12);
}

export interface ForecastInput {
  spentUsd: number;
  /** Spend per hour slot (slot start → USD) inside the period. */
  hourly: ReadonlyMap<number, number>;
  start: number;
  end: number;
  now: number;
}

export function forecastSpend(f: ForecastInput): number {
  const elapsed = Math.max(0, Math.min(f.now, f.end) - f.start);
  if (elapsed === 0 || f.now >= f.end) return f.spentUsd;
  const window = Math.min(elapsed, Math.max(hourMs, Math.min(7 * 24 * hourMs, elapsed / 4)));
  const from = f.now - window;
  let recent = 0;
  for (const [slot, usd] of f.hourly) {
    // a slot that starts now or later (clock skew between replicas) has no elapsed time to spread over
    if (slot + hourMs <= from || slot >= f.now) continue;
    // a slot the window cuts counts in proportion
    const overlap = (Math.min(slot + hourMs, f.now) - Math.max(slot, from)) / Math.min(hourMs, f.now - slot);
    recent += usd * Math.max(0, Math.min(1, overlap));
  }
  return f.spentUsd + (recent / window) * (f.end - f.now);
}

/**
 * A forecast alert needs enough of the period behind it to mean something:
 * an hour, and a tenth of the period.
 */
export function forecastIsMeaningful(start: number, end: number, now: number): boolean {
  const elapsed = now - start;
  return elapsed >= hourMs && elapsed >= (end - start) / 10;
}
