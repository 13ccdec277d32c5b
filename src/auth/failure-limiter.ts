/**
 * Refuses an address that keeps presenting bad org keys: after `limit`
 * failures within `windowMs`, every request from it gets 429 until
 * `windowMs` has passed since it was blocked. Guessing a 256-bit key is
 * hopeless anyway; this keeps a scanner from costing database lookups.
 *
 * An IPv6 client is counted by its /64: one host is routinely given a whole
 * /64 (RFC 6177), so its addresses are one client, not 2^64 fresh allowances of failures.
 */
import { parseIpv4, parseIpv6 } from "../egress/address.ts";
export interface FailureLimiter {
  /** False while no address has failures on record: callers skip looking up theirs. */
  active(): boolean;
  /** Milliseconds until the address may try again, or 0 when it may now. */
  blockedFor(ip: string, now?: number): number;
  fail(ip: string, now?: number): void;
}

/** Addresses tracked at once; past it the oldest entry goes (a flood of fresh /64s cannot grow memory). */
const maxEntries = 100_000;

/** The key an address is counted under: an IPv4 address as is (also when IPv4-mapped), an IPv6 address's /64. */
export function addressGroup(ip: string): string {
  if (!ip.includes(":")) return ip;
  const bytes = parseIpv6(ip);
  if (!bytes) return ip;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    const v4 = bytes.slice(12).join(".");
    return parseIpv4(v4) ? v4 : ip;
  }
  const hextets: string[] = [];
  for (let i = 0; i < 8; i += 2) hextets.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${hextets.join(":")}::/64`;
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
      const e = entries.get(addressGroup(ip));
      return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
    },
    fail(ip, now = Date.now()) {
      if (limit <= 0) return;
      sweep(now);
      const key = addressGroup(ip);
      let e = entries.get(key);
      if (!e || now - e.since >= windowMs) {
        e = { since: now, count: 0, blockedUntil: 0 };
        if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
        entries.set(key, e);
      }
      if (++e.count >= limit) e.blockedUntil = now + windowMs;
    },
  };
}
