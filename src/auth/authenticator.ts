/**
 * Org-key authentication with an in-memory cache, so steady traffic never
 * waits on the database: a lookup is trusted for `ttlMs` (revocation takes
 * effect within it) and refreshed in the background during its second half.
 *
 * While the database is unreachable, a key seen before keeps its last known
 * answer (refreshed in the background, so a revocation applies as soon as the
 * database answers again), and a key never seen gets `database_unavailable`
 * at once instead of waiting on a lookup that cannot succeed.
 */
import type { KeyPrincipal } from "../db/orgs.ts";
import { hashKey, looksLikeOrgKey } from "../lib/keys.ts";
import { fail, ok, type Result } from "../lib/result.ts";

export type AuthFailure =
  | { kind: "invalid_lectr_key"; reason: "missing" | "unknown" | "revoked" }
  /** `reason` too, so callers that read one from every failure keep working. */
  | { kind: "database_unavailable"; reason: "database_unavailable"; retryAfterS: number };

export interface Authenticator {
  authenticate(key: string | null): Promise<Result<KeyPrincipal, AuthFailure>>;
  /** Forget cached lookups, e.g. after a key is revoked or settings change in this process. */
  invalidate(): void;
}

export interface AuthOptions {
  /** A lookup not answered within this long counts as the database being unreachable. */
  lookupTimeoutMs?: number;
  now?: () => number;
}

interface Entry {
  principal: KeyPrincipal | undefined;
  at: number;
  refreshing: boolean;
}

/** Unknown keys are remembered briefly, so a flood of bad keys costs one lookup each per second. */
const negativeTtlMs = 1_000;
const maxEntries = 10_000;
/** During an outage, cold keys are answered 503 at once for this long after a failed lookup; then one waits for a lookup again. */
const coldRecheckMs = 1_000;
/** Sent as `retry-after` with database_unavailable. */
const retryAfterS = 5;

export function createAuthenticator(
  lookup: (keyHash: string) => Promise<KeyPrincipal | undefined>,
  ttlMs: number,
  opts: AuthOptions = {},
): Authenticator {
  const { lookupTimeoutMs = 2_000, now = Date.now } = opts;
  const cache = new Map<string, Entry>();
  /** When a lookup last failed and last succeeded: the database is unreachable while the failure is newer. */
  let failedAt = -Infinity;
  let answeredAt = -Infinity;
  const unreachable = () => failedAt > answeredAt;

  /** Lookups in flight by key: concurrent requests with one cold key share one lookup. */
  const inflight = new Map<string, Promise<Entry>>();
  const load = (key: string): Promise<Entry> => {
    let p = inflight.get(key);
    if (!p) {
      p = lookupEntry(key).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  };
  const lookupEntry = async (key: string): Promise<Entry> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("key lookup timed out")), lookupTimeoutMs)));
    try {
      const entry: Entry = { principal: await Promise.race([lookup(hashKey(key)), timeout]), at: now(), refreshing: false };
      answeredAt = now();
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, entry);
      return entry;
    } catch (err) {
      failedAt = now();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  const refresh = (key: string, hit: Entry) => {
    if (hit.refreshing) return;
    hit.refreshing = true;
    load(key).catch(() => {
      hit.refreshing = false;
    });
  };

  const judge = (p: KeyPrincipal | undefined): Result<KeyPrincipal, AuthFailure> => {
    if (!p) return fail({ kind: "invalid_lectr_key", reason: "unknown" });
    if (p.revoked) return fail({ kind: "invalid_lectr_key", reason: "revoked" });
    return ok(p);
  };
  const unavailable = () => fail({ kind: "database_unavailable" as const, reason: "database_unavailable" as const, retryAfterS });

  return {
    async authenticate(key) {
      if (!key) return fail({ kind: "invalid_lectr_key", reason: "missing" });
      // Cached by the key as sent (it is in memory for the request anyway): a hit costs no hashing.
      const hit = cache.get(key);
      const age = hit ? now() - hit.at : Infinity;
      const ttl = hit?.principal ? ttlMs : negativeTtlMs;
      if (hit && age < ttl) {
        if (age > ttl / 2) refresh(key, hit);
        return judge(hit.principal);
      }
      if (!looksLikeOrgKey(key)) return fail({ kind: "invalid_lectr_key", reason: "unknown" });
      // a refresh already asked and not answered: the last answer stands until it is
      if (hit?.refreshing) return judge(hit.principal);
      // known outage: a key seen before is answered from memory now, the database asked in the background
      if (hit && unreachable()) {
        refresh(key, hit);
        return judge(hit.principal);
      }
      // a cold key waits for a lookup, except within a second of one failing: then it is told at once
      if (unreachable() && now() - failedAt < coldRecheckMs) {
        load(key).catch(() => {});
        return unavailable();
      }
      try {
        return judge((await load(key)).principal);
      } catch {
        return hit ? judge(hit.principal) : unavailable();
      }
    },
    invalidate: () => cache.clear(),
  };
}
