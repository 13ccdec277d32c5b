/**
 * Mounts the GraphQL API at /graphql in Elysia: POST and GET served by
 * graphql-yoga, GraphiQL for a browser's GET. Credentials are checked when the
 * context is built, so the GraphiQL page itself loads without them; every
 * operation needs them (401 UNAUTHENTICATED otherwise).
 */
import { Elysia } from "elysia";
import { createYoga, maskError } from "graphql-yoga";
import { createContext, type GraphqlContext, type GraphqlDeps } from "./context.ts";
import { schema } from "./schema.ts";

const exampleQuery = `# Send your org key as X-Lectr-Key (Headers, below), or the admin token as
# Authorization: Bearer …, then re-fetch the schema (Ctrl+Shift+R) for completion.
query Dashboard {
  costBreakdown(period: { preset: LAST_7_DAYS }) {
    totalCostUsd
    changePct
    providers { provider costUsd changePct }
  }
  providerHealth { provider requests errorRate avgLatencyMs }
}
`;

export function graphqlPlugin(deps: GraphqlDeps) {
  const yoga = createYoga<Record<string, never>, GraphqlContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging: false,
    graphiql: { title: "Lectr GraphQL", defaultQuery: exampleQuery, headers: JSON.stringify({ "X-Lectr-Key": "lk_…" }) },
    context: ({ request }) => createContext(deps, request),
    maskedErrors: {
      // Lectr's own GraphQLErrors pass through; anything else becomes "Unexpected error." and is logged here, once.
      maskError: (error, message) => {
        const masked = maskError(error, message, false);
        if (masked !== error) {
          const original = (error as { originalError?: unknown }).originalError ?? error;
          const cause = original instanceof Error && original.cause !== undefined ? String(original.cause) : undefined;
          deps.log.error("unexpected error in GraphQL", { error: String(original), cause });
        }
        return masked;
      },
    },
  });
  return new Elysia({ name: "graphql" }).all("/graphql", ({ request }) => yoga.fetch(request), { parse: "none" });
}
