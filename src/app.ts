/**
 * Assembles the HTTP surface: health, the proxy under /v1, the GraphQL API
 * and the dashboard. One onError masks the unexpected.
 */
import { Elysia } from "elysia";
import type { Logger } from "./lib/log.ts";
import { errorResponse, internalErrorResponse } from "./http/errors.ts";

export interface AppDeps {
  proxy: (request: Request, clientIp: () => string) => Promise<Response>;
  /** The peer address the runtime saw for a request. */
  clientIp: (request: Request) => string;
  status: (request: Request, clientIp: () => string) => Promise<Response>;
  metrics: (request: Request, clientIp: () => string) => Response;
  ready: () => Promise<boolean>;
  /** The GraphQL API (src/graphql/plugin.ts), served at /graphql. */
  graphql: (request: Request, clientIp: () => string) => Promise<Response>;
  /** The dashboard's page and assets (src/dashboard/serve.ts), served at / and /assets/*. */
  dashboard: (request: Request) => Promise<Response>;
  log: Logger;
}

export function buildApp(deps: AppDeps) {
  return new Elysia()
    .onError(({ code, error, request }) => {
      if (code === "NOT_FOUND") return errorResponse({ kind: "not_found", path: new URL(request.url).pathname });
      deps.log.error("unexpected error", { path: new URL(request.url).pathname, error: String(error) });
      return internalErrorResponse();
    })
    .get("/healthz", () => Response.json({ status: "ok" }))
    .get("/readyz", async () =>
      (await deps.ready())
        ? Response.json({ status: "ready" })
        : Response.json({ status: "database unavailable" }, { status: 503 }),
    )
    .all("/graphql", ({ request }) => deps.graphql(request, () => deps.clientIp(request)), { parse: "none" })
    .get("/", ({ request }) => deps.dashboard(request))
    .get("/assets/*", ({ request }) => deps.dashboard(request))
    .get("/metrics", ({ request }) => deps.metrics(request, () => deps.clientIp(request)))
    .get("/v1/lectr/status", ({ request }) => deps.status(request, () => deps.clientIp(request)))
    .all("/v1/*", ({ request }) => deps.proxy(request, () => deps.clientIp(request)), { parse: "none" })
    // provider SDKs' own paths at Lectr's root: groq-sdk and AzureOpenAI (/openai/…), @google/genai (/v1beta/…)
    .all("/openai/*", ({ request }) => deps.proxy(request, () => deps.clientIp(request)), { parse: "none" })
    .all("/v1beta/*", ({ request }) => deps.proxy(request, () => deps.clientIp(request)), { parse: "none" })
    .all("/v1alpha/*", ({ request }) => deps.proxy(request, () => deps.clientIp(request)), { parse: "none" });
}
