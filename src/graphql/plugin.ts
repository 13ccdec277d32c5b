/**
 * The GraphQL API at /graphql: POST and GET served by graphql-yoga,
 * GraphiQL for a browser's GET. Credentials are checked when the
 * context is built, so the GraphiQL page itself loads without them; every
 * operation needs them (401 UNAUTHENTICATED otherwise).
 */
import { createYoga, maskError } from "graphql-yoga";
import { createContext, type GraphqlContext, type GraphqlDeps } from "./context.ts";
import { schema } from "./schema.ts";
import { readBody } from "../proxy/body.ts";
import { operationLimits } from "./limits.ts";

/** Operations one request may batch (a JSON array body). */
const maxBatch = 10;

/** A dashboard's query is a few kilobytes. */
const maxBodyBytes = 1024 * 1024;

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

export function graphqlHandler(deps: GraphqlDeps): (request: Request) => Promise<Response> {
  const yoga = createYoga<Record<string, never>, GraphqlContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging: false,
    batching: { limit: maxBatch },
    plugins: [{ onValidate: ({ addValidationRule }: { addValidationRule: (rule: typeof operationLimits) => void }) => addValidationRule(operationLimits) }],
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
  return async (request) => {
    if (request.method !== "POST") return yoga.fetch(request);
    // Bodies are read before credentials are checked: bound them, so no one can make Lectr buffer megabytes.
    const body = await readBody(request, maxBodyBytes, deps.bodyTimeoutMs);
    if (!body.ok) {
      const [status, code, message] =
        body.error.kind === "body_too_large"
          ? [413, "PAYLOAD_TOO_LARGE", `A GraphQL request body may be at most ${maxBodyBytes} bytes.`]
          : body.error.kind === "body_timeout"
            ? [408, "REQUEST_TIMEOUT", `The request body did not arrive within ${deps.bodyTimeoutMs} ms.`]
            : [400, "BAD_REQUEST", "The request body was cut off."];
      return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
    }
    return yoga.fetch(new Request(request.url, { method: "POST", headers: request.headers, body: body.value as BodyInit }));
  };
}
