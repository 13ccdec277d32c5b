/**
 * Org-key authentication with an in-memory cache, so steady traffic never
 * waits on the database: a lookup is trusted for `ttlMs` (revocation takes
 * effect within it) and refreshed in the background during its second half.
 */
import type { KeyPrincipal } from "../db/orgs.ts";
import { hashKey, looksLikeOrgKey } from "../lib/keys.ts";
import { fail, ok, type Result } from "../lib/result.ts";

export type AuthFailure = { kind: "invalid_lectr_key"; reason: "missing" | "unknown" | "revoked" };

export interface Authenticator {
  authenticate(key: string | null): Promise<Result<KeyPrincipal, AuthFailure>>;
  /** Forget cached lookups, e.g. after a key is revoked or settings change in this process. */
  invalidate(): void;
}

interface Entry {
  principal: KeyPrincipal | undefined;
  at: number;
  refreshing: boolean;
}

/** Unknown keys are remembered briefly, so a flood of bad keys costs one lookup each per second. */
const negativeTtlMs = 1_000;
const maxEntries = 10_000;

export function createAuthenticator(
  lookup: (keyHash: string) => Promise<KeyPrincipal | undefined>,
  ttlMs: number,
  now: () => number = Date.now,
): Authenticator {
  const cache = new Map<string, Entry>();

  const load = async (key: string): Promise<Entry> => {
    const entry: Entry = { principal: await lookup(hashKey(key)), at: now(), refreshing: false };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
    return entry;
  };

  const judge = (p: KeyPrincipal | undefined): Result<KeyPrincipal, AuthFailure> => {
    if (!p) return fail({ kind: "invalid_lectr_key", reason: "unknown" });
    if (p.revoked) return fail({ kind: "invalid_lectr_key", reason: "revoked" });
    return ok(p);
  };

  return {
    async authenticate(key) {
      if (!key) return fail({ kind: "invalid_lectr_key", reason: "missing" });
      // Cached by the key as sent (it is in memory for the request anyway): a hit costs no hashing.
      const hit = cache.get(key);
      const age = hit ? now() - hit.at : Infinity;
      const ttl = hit?.principal ? ttlMs : negativeTtlMs;
      if (hit && age < ttl) {
        if (age > ttl / 2 && !hit.refreshing) {
          hit.refreshing = true;
          load(key).catch(() => {
            hit.refreshing = false;
          });
        }
        return judge(hit.principal);
      }
      if (!looksLikeOrgKey(key)) return fail({ kind: "invalid_lectr_key", reason: "unknown" });
      return judge((await load(key)).principal);
    },
    invalidate: () => cache.clear(),
  };
}
