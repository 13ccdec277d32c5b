/**
 * Tenancy in one place: which org a field may read or change. An org key
 * reaches its own org only; the admin names any existing org. What a caller
 * may do at all (scopes, admin-only fields) is builder.ts's authScopes.
 */
import type { GraphqlContext } from "./context.ts";
import { badInput, forbidden } from "./errors.ts";

/** The org an org-scoped field acts on, given its optional `orgId` argument. */
export async function orgScope(ctx: GraphqlContext, orgId: string | null | undefined): Promise<string> {
  const p = ctx.principal;
  if (p.kind === "org") {
    if (orgId != null && orgId !== p.orgId) throw forbidden("An org key can only reach its own org.");
    return p.orgId;
  }
  if (orgId == null) throw badInput("With the admin token, pass orgId to say which org.");
  if (!(await ctx.loaders.org.load(orgId))) throw badInput(`No org with id ${orgId}.`);
  return orgId;
}
