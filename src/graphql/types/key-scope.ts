import { builder } from "../builder.ts";

export const KeyScope = builder.enumType("KeyScope", {
  description: "What an org key may do in its org.",
  values: {
    PROXY: { value: "proxy", description: "Call providers through /v1 (applications). No GraphQL." },
    READ: { value: "read", description: "GraphQL queries (dashboards, Grafana). Not /v1, no mutations." },
    ADMIN: { value: "admin", description: "Everything its org can: /v1, queries and mutations (Azure endpoint, prices, routing rules, revoking keys)." },
  } as const,
});
