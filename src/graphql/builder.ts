/**
 * The schema builder. It defines no types: each domain keeps its types,
 * queries and mutations in one file under schema/. Plugins: scope-auth (who may call a field), dataloader (batched
 * loads across sibling fields), complexity (each field's cost, read by limits.ts), relay (connection, edge and
 * PageInfo types).
 */
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { GraphqlContext } from "./context.ts";
import { forbidden } from "./errors.ts";
import { mayChange, mayRead } from "../lib/scopes.ts";

export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  /** What the caller may do in an org: the admin token anything, an org key what its scope allows. */
  AuthScopes: { orgRead: boolean; orgChange: boolean; platformAdmin: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    /** Epoch milliseconds inside Lectr; an ISO 8601 string on the wire. */
    DateTime: { Input: number; Output: number };
    ID: { Input: string; Output: string };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, DataloaderPlugin, ComplexityPlugin, RelayPlugin],
  // Query asks orgRead and Mutation orgChange of every field (schema/common.ts); fields for the
  // whole installation (orgs, createOrg, createKey) ask platformAdmin, which only the admin token has.
  scopeAuth: {
    authScopes: ({ principal: p }) => ({
      orgRead: p.kind === "admin" || mayRead(p.scope),
      orgChange: p.kind === "admin" || mayChange(p.scope),
      platformAdmin: p.kind === "admin",
    }),
    unauthorizedError: (_parent, { principal: p }, info) => {
      const mutation = info.parentType.name === "Mutation";
      if (p.kind === "org" && !(mutation ? mayChange(p.scope) : mayRead(p.scope))) {
        return forbidden(`This key has the ${p.scope} scope: ${mutation ? "changes need a key with the admin scope" : "queries need a key with the read or admin scope"}.`);
      }
      return forbidden(`${info.fieldName} needs the admin token.`);
    },
  },
  // Fields carry their cost (`complexity`); limits.ts measures a whole batch with it before anything runs, so the per-resolver check is off.
  complexity: { disabled: true },
  // Connections only: no Node interface or node(id:) queries. Pages only go forward (events are newest first).
  relay: {
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: "Relay cursor pagination (https://relay.dev/graphql/connections.htm)." },
    hasPreviousPageFieldOptions: { description: "Pages only go forward: always false." },
    cursorFieldOptions: { description: "Pass as `after` to continue after this event." },
  },
});
