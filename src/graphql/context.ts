/**
 * The per-request context: who is asking (an org, by its key, or the admin),
 * the request's clock, the loaders, and the plain dependencies resolvers pass
 * to the database functions. Built before any resolver runs; a request
 * without valid credentials stops here with 401.
 */
import type { Db } from "../db/client.ts";
import { findOrgs, keysOfOrgs } from "../db/orgs.ts";
import type { ApiKeyRow, OrgRow } from "../db/tables.ts";
import { sameSecret } from "../lib/keys.ts";
import type { Logger } from "../lib/log.ts";
import type { Authenticator } from "../proxy/auth.ts";
import type { PriceBooks } from "../pricing/price-books.ts";
import type { WritePath } from "../db/write-path.ts";
import type { PriceRegistry } from "../pricing/registry.ts";
import type { RulesCache } from "../routing/cache.ts";
import { unauthenticated } from "./errors.ts";
import type { BudgetGuard } from "../budgets/guard.ts";
import { createLoader, type Loader } from "./loader.ts";

export type Principal = { kind: "org"; orgId: string; keyId: string } | { kind: "admin" };

export interface GraphqlDeps {
  db: Db;
  auth: Authenticator;
  /** LECTR_ADMIN_TOKEN; admin access is off without it. */
  adminToken: string | undefined;
  allowPrivateUpstreams: boolean;
  log: Logger;
  /** Org prices in memory (a change reloads them at once), and the registry under them. */
  priceBooks: PriceBooks;
  /** Write transactions, for re-costing events with their rollups. */
  writePath: WritePath;
  /** The proxy's routing rules; a mutation that changes them reloads them at once. */
  rules: Pick<RulesCache, "refresh">;
  /** Prices for projected costs (recommendations). */
  prices: PriceRegistry;
  /** Budgets' live figures (spent, reserved, forecast) as this replica sees them. */
  budgets: { status: BudgetGuard["status"]; refresh(): Promise<void> };
}

export interface GraphqlContext {
  principal: Principal;
  /** One clock reading per request, so every preset in it ends at the same instant. */
  now: number;
  deps: GraphqlDeps;
  loaders: {
    org: Loader<string, OrgRow>;
    keysOfOrg: Loader<string, ApiKeyRow[]>;
  };
}

/**
 * `Authorization: Bearer <LECTR_ADMIN_TOKEN>` (compared in constant time)
 * makes the admin; otherwise `X-Lectr-Key` names the org, and a wrong key is
 * refused. Without a key, a bearer token that is not the admin's is refused.
 */
export async function authenticate(deps: GraphqlDeps, headers: Headers): Promise<Principal> {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer !== undefined && deps.adminToken !== undefined && sameSecret(bearer, deps.adminToken)) return { kind: "admin" };
  const key = headers.get("x-lectr-key");
  if (key !== null) {
    const found = await deps.auth.authenticate(key);
    if (!found.ok) throw unauthenticated(found.error.reason === "revoked" ? "The key in X-Lectr-Key has been revoked." : "The key in X-Lectr-Key is not valid.");
    return { kind: "org", orgId: found.value.orgId, keyId: found.value.keyId };
  }
  if (bearer !== undefined) {
    throw unauthenticated(deps.adminToken === undefined ? "Admin access is off (LECTR_ADMIN_TOKEN is not set)." : "The bearer token is not the admin token.");
  }
  throw unauthenticated("Send an org key in X-Lectr-Key, or the admin token as Authorization: Bearer.");
}

export async function createContext(deps: GraphqlDeps, request: Request): Promise<GraphqlContext> {
  return {
    principal: await authenticate(deps, request.headers),
    now: Date.now(),
    deps,
    loaders: {
      org: createLoader(async (ids) => new Map((await findOrgs(deps.db, ids)).map((o) => [o.id, o]))),
      keysOfOrg: createLoader(async (ids) => {
        const byOrg = new Map<string, ApiKeyRow[]>(ids.map((id) => [id, []]));
        for (const k of await keysOfOrgs(deps.db, ids)) byOrg.get(k.org_id)?.push(k);
        return byOrg;
      }),
    },
  };
}
