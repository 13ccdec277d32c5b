/**
 * The per-request context: who is asking (an org, by its key, or the admin),
 * the request's clock, the loaders, and the plain dependencies resolvers pass
 * to the database functions. Built from the headers before the body is read;
 * a request without valid credentials never gets one (401).
 */
import type { Db } from "../db/client.ts";
import DataLoader from "dataloader";
import { findOrgs } from "../db/orgs.ts";
import type { OrgRow } from "../db/tables.ts";
import { sameSecret } from "../lib/keys.ts";
import type { KeyScope } from "../lib/scopes.ts";
import type { Logger } from "../lib/log.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import type { FailureLimiter } from "../auth/failure-limiter.ts";
import type { PriceBooks } from "../pricing/price-book-cache.ts";
import type { WritePath } from "../db/write-path.ts";
import type { PriceRegistry } from "../pricing/registry.ts";
import type { RulesCache } from "../routing/cache.ts";
import { GraphQLError } from "graphql";
import { unauthenticated } from "./errors.ts";
import { bearerToken } from "../http/bearer.ts";
import type { BudgetGuard } from "../budgets/guard.ts";
import type { ReconcileControl } from "../reconcile/control.ts";
import { scanEstimates, type ScanEstimates, type VolumeCache } from "./scan.ts";

export type Principal = { kind: "org"; orgId: string; keyId: string; scope: KeyScope } | { kind: "admin" };

export interface GraphqlDeps {
  /** The read connection (src/db/read-pool.ts): what resolvers run here never runs on the thread that serves /v1. */
  db: Db;
  auth: Authenticator;
  /** LECTR_ADMIN_TOKEN; admin access is off without it. */
  adminToken: string | undefined;
  allowPrivateUpstreams: boolean;
  /** LECTR_BODY_TIMEOUT_MS: a body still arriving after this gets 408. */
  bodyTimeoutMs: number;
  log: Logger;
  /** Org prices in memory (a change reloads them at once), and the registry under them. */
  priceBooks: PriceBooks;
  /** Write transactions, for re-costing events with their rollups. */
  writePath: WritePath;
  /** The proxy's routing rules; a mutation that changes them reloads them at once. */
  rules: Pick<RulesCache, "refresh">;
  /** Prices for projected costs (recommendations). */
  prices: PriceRegistry;
  /** The one auth-failure limiter every door that takes a key shares. */
  limiter: FailureLimiter;
  /** Counts a refused credential in the metrics, by reason. */
  onAuthFailure(reason: string): void;
  /** LECTR_CORS_ORIGINS: browser origins allowed to call the API (none: no CORS headers). */
  corsOrigins: readonly string[];
  /** Bound on one answer's size (default 4 MiB). */
  maxResponseBytes?: number;
  /** Budgets' live figures (spent, reserved, forecast) as this replica sees them. */
  budgets: { status: BudgetGuard["status"]; refresh(): Promise<void> };
  /** Reconciliation (seal admin keys, run on demand); absent or off without LECTR_SECRETS_KEY. */
  reconcile?: ReconcileControl;
  /** LECTR_HEAVY_QUERIES_PER_KEY: heavy requests (scan.ts) one key may run at once (default 2). */
  heavyQueriesPerKey?: number;
}

export interface GraphqlContext {
  principal: Principal;
  /** One clock reading per request, so every preset in it ends at the same instant. */
  now: number;
  deps: GraphqlDeps;
  /** The event rows a field will scan, for the cost limit (scan.ts). */
  scan: ScanEstimates;
  /** Per-request batched loads for what resolvers fetch by id (field loads are the dataloader plugin's). */
  loaders: {
    org: DataLoader<string, OrgRow | undefined>;
  };
}

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "missing" | "unknown" | "revoked" | "bad_admin_token" | "database_unavailable"; error: GraphQLError };

const databaseUnavailable = (retryAfterS: number) =>
  new GraphQLError(`Lectr cannot reach its database to check this X-Lectr-Key; try again in ${retryAfterS} s.`, {
    extensions: { code: "DATABASE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": String(retryAfterS) } } },
  });

const refuse = (reason: Exclude<AuthOutcome, { ok: true }>["reason"], message: string): AuthOutcome => ({ ok: false, reason, error: unauthenticated(message) });

/**
 * `Authorization: Bearer <LECTR_ADMIN_TOKEN>` (compared in constant time)
 * makes the admin; otherwise `X-Lectr-Key` names the org, and a wrong key is
 * refused. Without a key, a bearer token that is not the admin's is refused.
 * Reads headers only: it runs before the body is read or the query parsed.
 */
export async function authenticate(deps: GraphqlDeps, headers: Headers): Promise<AuthOutcome> {
  const bearer = bearerToken(headers.get("authorization"));
  if (bearer !== undefined && deps.adminToken !== undefined && sameSecret(bearer, deps.adminToken)) return { ok: true, principal: { kind: "admin" } };
  const key = headers.get("x-lectr-key");
  if (key !== null) {
    const found = await deps.auth.authenticate(key);
    if (!found.ok) {
      if (found.error.kind === "database_unavailable") return { ok: false, reason: "database_unavailable", error: databaseUnavailable(found.error.retryAfterS) };
      const reason = found.error.reason === "missing" ? "unknown" : found.error.reason;
      return refuse(reason, reason === "revoked" ? "The key in X-Lectr-Key has been revoked." : "The key in X-Lectr-Key is not valid.");
    }
    return { ok: true, principal: { kind: "org", orgId: found.value.orgId, keyId: found.value.keyId, scope: found.value.scope } };
  }
  if (bearer !== undefined) {
    return refuse("bad_admin_token", deps.adminToken === undefined ? "Admin access is off (LECTR_ADMIN_TOKEN is not set)." : "The bearer token is not the admin token.");
  }
  return refuse("missing", "Send an org key in X-Lectr-Key, or the admin token as Authorization: Bearer.");
}

export function createContext(deps: GraphqlDeps, principal: Principal, now: number, volumes: VolumeCache): GraphqlContext {
  return {
    principal,
    now,
    deps,
    scan: scanEstimates(volumes, now),
    loaders: {
      org: new DataLoader(async (ids: readonly string[]) => {
        const byId = new Map((await findOrgs(deps.db, ids)).map((o) => [o.id, o]));
        return ids.map((id) => byId.get(id));
      }),
    },
  };
}
