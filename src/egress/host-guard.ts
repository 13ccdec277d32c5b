/**
 * Re-checks an Azure endpoint's addresses right before Lectr connects, so a
 * name that resolved to a public address when it was configured cannot later
 * be pointed at an internal one (DNS rebinding). Lookups are cached briefly;
 * the runtime's own resolver may also cache for a few seconds, which bounds
 * the remaining window to that cache.
 */
import { lookup } from "node:dns/promises";
import { isIpLiteral, isPrivateAddress } from "./address.ts";

export type Verdict = { ok: true } | { ok: false; reason: string };
export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export function createHostGuard(resolve: Resolve = systemResolve, ttlMs = 30_000) {
  const cache = new Map<string, { at: number; verdict: Promise<Verdict> }>();

  const judge = async (host: string): Promise<Verdict> => {
    try {
      const bad = (await resolve(host)).find(isPrivateAddress);
      return bad ? { ok: false, reason: `${host} resolves to a private or loopback address` } : { ok: true };
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
  };

  return (host: string, now = Date.now()): Promise<Verdict> => {
    if (isIpLiteral(host)) return Promise.resolve(isPrivateAddress(host) ? { ok: false, reason: "private address" } : { ok: true });
    const hit = cache.get(host);
    if (hit && now - hit.at < ttlMs) return hit.verdict;
    const verdict = judge(host);
    if (cache.size > 1_000) cache.clear();
    cache.set(host, { at: now, verdict });
    return verdict;
  };
}

export const guardHost = createHostGuard();
