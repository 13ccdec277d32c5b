/**
 * How many budget and rate-limit changes one org may make per minute. Each
 * change makes every replica's sync round sum the changed budget's period
 * again, so an org re-scoping its budgets in a loop would otherwise keep that
 * work coming without end. Sliding window per org, in memory, per process.
 */
export const maxChangesPerMinute = 100;
const windowMs = 60_000;

export interface ChangeLimiter {
  /** Counts a change for the org now; false (not counted) when its minute is full, with when to try again. */
  take(orgId: string, now: number): { ok: true } | { ok: false; retryAfterS: number };
}

export function createChangeLimiter(perMinute = maxChangesPerMinute): ChangeLimiter {
  const recent = new Map<string, number[]>();
  return {
    take(orgId, now) {
      const times = (recent.get(orgId) ?? []).filter((t) => now - t < windowMs);
      if (times.length >= perMinute) {
        recent.set(orgId, times);
        return { ok: false, retryAfterS: Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000)) };
      }
      times.push(now);
      recent.set(orgId, times);
      // orgs that made no change for a minute are forgotten, so the map stays as small as the active orgs
      if (recent.size > 1_000) for (const [org, t] of recent) if (now - t[t.length - 1]! >= windowMs) recent.delete(org);
      return { ok: true };
    },
  };
}
