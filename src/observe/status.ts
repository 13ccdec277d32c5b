/**
 * GET /v1/lectr/status: what an operator checks first. Answers to an org key
 * or the admin token; it shows nothing org-specific.
 */
import type { Authenticator } from "../auth/authenticator.ts";
import type { FailureLimiter } from "../auth/failure-limiter.ts";
import type { Recorder } from "../record/recorder.ts";
import { errorResponse } from "../http/errors.ts";
import { sameSecret } from "../lib/keys.ts";
import { runtimeName } from "../runtime/name.ts";
import { commit, version } from "../version.ts";
import { bearerToken } from "../http/bearer.ts";

export function statusHandler(deps: {
  auth: Authenticator;
  recorder: Recorder;
  adminToken: string | undefined;
  databaseKind: "embedded" | "remote";
  startedAt: number;
  /** The auth-failure limit the proxy and GraphQL share. */
  limiter: FailureLimiter;
  onAuthFailure(reason: string): void;
}): (request: Request, clientIp: () => string) => Promise<Response> {
  return async (request, clientIp) => {
    const now = Date.now();
    const blockedMs = deps.limiter.active() ? deps.limiter.blockedFor(clientIp(), now) : 0;
    if (blockedMs > 0) {
      const retryAfterS = Math.ceil(blockedMs / 1000);
      return errorResponse({ kind: "too_many_auth_failures", retryAfterS }, { "retry-after": String(retryAfterS) });
    }
    const bearer = bearerToken(request.headers.get("authorization"));
    const admin = deps.adminToken !== undefined && bearer !== undefined && sameSecret(bearer, deps.adminToken);
    if (!admin) {
      const principal = await deps.auth.authenticate(request.headers.get("x-lectr-key"));
      if (!principal.ok) {
        // an unreachable database says nothing about the key: not a failed guess
        if (principal.error.kind === "invalid_lectr_key") {
          deps.limiter.fail(clientIp(), now);
          deps.onAuthFailure(principal.error.reason);
        }
        return errorResponse(principal.error);
      }
    }
    const w = deps.recorder.stats();
    return Response.json({
      version,
      commit,
      runtime: runtimeName,
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
      database: { kind: deps.databaseKind, up: w.healthy },
      events: {
        queue_depth: w.queued + w.pending,
        written: w.written,
        replayed: w.replayed,
        spooled: w.spooled,
        dropped: w.dropped,
        last_flush_at: w.lastFlushAt === null ? null : new Date(w.lastFlushAt).toISOString(),
        spool_bytes: w.spoolBytes,
      },
    });
  };
}

/**
 * GET /metrics. Without LECTR_METRICS_TOKEN it is open and shows aggregate
 * series only; with it, it needs the token and adds the per-org series
 * (who spends what is not for anyone who can reach the port).
 */
export function metricsHandler(
  render: { aggregate: () => string; perOrg: () => string },
  token: string | undefined,
  /** Failed tokens count against the address like failed org keys: guessing is limited the same way. */
  guard: { limiter: FailureLimiter; onAuthFailure(reason: string): void },
): (request: Request, clientIp: () => string) => Response {
  const headers = { "content-type": "text/plain; version=0.0.4; charset=utf-8" };
  return (request, clientIp) => {
    if (token === undefined) return new Response(render.aggregate(), { headers });
    const now = Date.now();
    const blockedMs = guard.limiter.active() ? guard.limiter.blockedFor(clientIp(), now) : 0;
    if (blockedMs > 0) {
      const retryAfter = String(Math.ceil(blockedMs / 1000));
      return new Response("too many failed tokens from this address\n", { status: 429, headers: { "retry-after": retryAfter } });
    }
    const bearer = bearerToken(request.headers.get("authorization"));
    if (bearer === undefined || !sameSecret(bearer, token)) {
      guard.limiter.fail(clientIp(), now);
      guard.onAuthFailure("bad_metrics_token");
      return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
    }
    return new Response(render.aggregate() + render.perOrg(), { headers });
  };
}
