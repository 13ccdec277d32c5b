/** A tiny GraphQL client for the tests: POST /graphql, returns status, data, errors and their codes. */
import type { GraphqlDeps } from "../../src/graphql/context.ts";
import { findKeyByHash } from "../../src/db/orgs.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { loadPriceRegistry } from "../../src/pricing/prices-file.ts";
import { createAuthenticator } from "../../src/auth/authenticator.ts";
import { createFailureLimiter } from "../../src/auth/failure-limiter.ts";
import type { TestLectr } from "../helpers/lectr.ts";

export interface GqlResult<T = any> {
  status: number;
  data: T;
  errors: { message: string; path?: string[]; extensions?: { code?: string } }[] | undefined;
  /** `extensions.code` of each error, in order. */
  codes: (string | undefined)[];
}

export type Gql = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<GqlResult<T>>;

/** Through a socket when given a URL; in this process when given a test server. */
export function gqlClient(target: string | Pick<TestLectr, "request">, headers: Record<string, string> = {}): Gql {
  const post = (init: RequestInit) => (typeof target === "string" ? fetch(`${target}/graphql`, init) : target.request("/graphql", init));
  return async (query, variables) => {
    const res = await post({
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: GqlResult["errors"] };
    return { status: res.status, data: body.data, errors: body.errors, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
  };
}

export const orgKey = (key: string) => ({ "x-lectr-key": key });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** What the server passes the GraphQL handler, for tests that build one in-process with other limits. */
export function graphqlDeps(l: TestLectr): GraphqlDeps {
  const db = l.lectr.database.db;
  return {
    db: l.lectr.database.reads.db,
    auth: createAuthenticator((hash) => findKeyByHash(db, hash), 5_000),
    adminToken: undefined,
    allowPrivateUpstreams: false,
    bodyTimeoutMs: 30_000,
    log: silentLogger,
    priceBooks: l.lectr.priceBooks,
    writePath: l.lectr.database.writePath,
    rules: l.lectr.rules,
    prices: loadPriceRegistry(undefined),
    limiter: createFailureLimiter(0, 60_000),
    onAuthFailure: () => {},
    corsOrigins: [],
    budgets: l.lectr.budgets,
  };
}
