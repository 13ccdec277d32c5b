/**
 * What an org key may do in its org. `proxy`: call providers through /v1
 * (applications). `read`: GraphQL queries (dashboards, Grafana). `admin`:
 * both, and every mutation of its org (Azure endpoint, prices, routing
 * rules, revoking keys). Keys made before scopes existed are `admin`.
 */
export const keyScopes = ["proxy", "read", "admin"] as const;
export type KeyScope = (typeof keyScopes)[number];

export const isKeyScope = (value: string): value is KeyScope => (keyScopes as readonly string[]).includes(value);

/** /v1: applications and admins; a read-only key cannot spend the org's provider budget. */
export const mayProxy = (scope: KeyScope) => scope !== "read";
/** GraphQL queries. */
export const mayRead = (scope: KeyScope) => scope !== "proxy";
/** GraphQL mutations. */
export const mayChange = (scope: KeyScope) => scope === "admin";
