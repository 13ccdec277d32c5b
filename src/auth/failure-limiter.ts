/**
 * Refuses an address that keeps presenting bad org keys: after `limit`
 * failures within `windowMs`, every request from it gets 429 until
 * `windowMs` has passed since it was blocked. Guessing a 256-bit key is
 * hopeless anyway; this keeps a scanner from costing database lookups.
 */
export interface FailureLimiter {
  /** False while no address has failures on record: callers skip looking up theirs. */
  active(): boolean;
  /** Milliseconds until the address may try again, or 0 when it may now. */
  blockedFor(ip: string, now?: number): number;
  fail(ip: string, now?: number): void;
}

export function createFailureLimiter(limit: number, windowMs: number): FailureLimiter {
  const entries = new Map<string, { since: number; count: number; blockedUntil: number }>();
  let lastSweep = 0;
  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [ip, e] of entries) if (now - e.since >= windowMs && now >= e.blockedUntil) entries.delete(ip);
  };
  return {
    active() {
      if (entries.size === 0) return false;
      sweep(Date.now());
      return entries.size > 0;
    },
    blockedFor(ip, now = Date.now()) {
      if (limit <= 0) return 0;
      const e = entries.get(ip);
      return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
    },
    fail(ip, now = Date.now()) {
      if (limit <= 0) return;
      sweep(now);
      let e = entries.get(ip);
      if (!e || now - e.since >= windowMs) {
        e = { since: now, count: 0, blockedUntil: 0 };
        entries.set(ip, e);
      }
      if (++e.count >= limit) e.blockedUntil = now + windowMs;
    },
  };
}
