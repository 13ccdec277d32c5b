/**
 * The GraphQL API at /graphql: POST and GET served by graphql-yoga, an
 * explorer page for a browser's GET. In order, each step bounded: the
 * address's auth-failure limit → credentials (headers only) → the body
 * (1 MiB) → tokens, depth and cost of every operation of the batch (with
 * the events they will scan) → a heavy request's place among its key's →
 * execution on the read connection, each statement time-bounded → the
 * answer's size. Nothing is parsed for a caller Lectr does
 * not know, so no one can make it work for free.
 */
import { Buffer } from "node:buffer";
import { createYoga, maskError, type Plugin } from "graphql-yoga";
import { GraphQLError } from "graphql";
import { authenticate, createContext, type GraphqlContext, type GraphqlDeps } from "./context.ts";
import { schema } from "./schema.ts";
import { readBody } from "../http/read-body.ts";
import { checkOperations, type OperationRequest } from "./limits.ts";
import { explorerPage } from "./explorer.ts";
import { createVolumeCache, heavyRows } from "./scan.ts";
import { createHeavyGate, tooManyHeavy, type HeavyGate } from "./heavy.ts";
import { ReadQueueFullError, ReadTimeoutError } from "../db/read-pool.ts";

/** Operations one request may batch (a JSON array body). */
const maxBatch = 10;

/** A dashboard's query is a few kilobytes. */
const maxBodyBytes = 1024 * 1024;

/** The cost limit bounds answers to well under this; long strings could still add up. */
export const defaultMaxResponseBytes = 4 * 1024 * 1024;

interface ServerContext {
  /** Who asks and the request's clock, decided before yoga sees the request. */
  lectr?: GraphqlContext;
  /** Set when the request is heavy: gives its key's place back once the answer is done. */
  heavy?: { release?: () => void };
}

const defaultHeavyQueriesPerKey = 2;

const errorResponse = (status: number, message: string, code: string, headers: Record<string, string> = {}) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });

const fromGraphqlError = (e: GraphQLError) => {
  const http = e.extensions.http as { status: number; headers?: Record<string, string> };
  return errorResponse(http.status, e.message, String(e.extensions.code), http.headers);
};

/**
 * Refuses a request (every operation of a batch together) whose tokens, depth
 * or total cost are over the limits, before any runs; then a heavy one whose
 * key has its share of heavy requests running already.
 */
const operationBudget = (gate: HeavyGate, maxPerKey: number): Plugin<Record<string, unknown>, ServerContext> => ({
  onRequestParse: ({ serverContext }) => ({
    onRequestParseDone: async ({ requestParserResult }) => {
      const ops = (Array.isArray(requestParserResult) ? requestParserResult : [requestParserResult]) as OperationRequest[];
      if (ops.length > maxBatch) return; // yoga's batching limit answers this one
      const lectr = serverContext.lectr;
      let { rows } = checkOperations(schema, ops, lectr);
      // only a preflight comes without a caller, and it runs nothing
      if (!lectr) return;
      // the orgs' volumes were not known: read them (on the read connection) and measure again
      if (lectr.scan.missing.size > 0) {
        await lectr.scan.loadMissing();
        ({ rows } = checkOperations(schema, ops, lectr));
      }
      if (rows < heavyRows) return;
      const p = lectr.principal;
      const release = gate.enter(p.kind === "org" ? p.keyId : "admin");
      if (!release) throw tooManyHeavy(maxPerKey, rows);
      if (serverContext.heavy) serverContext.heavy.release = release;
      else release();
    },
  }),
});

/** A read that ran too long, or found too many waiting, says so; anything else is unexpected. */
function readError(error: unknown): GraphQLError | undefined {
  let original = (error as { originalError?: unknown }).originalError ?? error;
  // drizzle wraps a failed statement's error as its cause
  if (original instanceof Error && original.cause instanceof Error) original = original.cause;
  const path = (error as GraphQLError).path;
  if (original instanceof ReadTimeoutError) return new GraphQLError(original.message, { path, extensions: { code: "READ_TIMEOUT" } });
  if (original instanceof ReadQueueFullError) return new GraphQLError(original.message, { path, extensions: { code: "READ_BUSY" } });
  return undefined;
}

export function graphqlHandler(deps: GraphqlDeps): (request: Request, clientIp?: () => string) => Promise<Response> {
  const maxResponseBytes = deps.maxResponseBytes ?? defaultMaxResponseBytes;
  const heavyPerKey = deps.heavyQueriesPerKey ?? defaultHeavyQueriesPerKey;
  const gate = createHeavyGate(heavyPerKey);
  const volumes = createVolumeCache(deps.db);
  const yoga = createYoga<ServerContext, GraphqlContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging: false,
    graphiql: false,
    batching: { limit: maxBatch },
    // Only the listed origins, compared exactly; without a list, browsers on other origins get no CORS headers.
    cors: deps.corsOrigins.length === 0 ? false : (request) => {
      const origin = request.headers.get("origin");
      return origin !== null && deps.corsOrigins.includes(origin)
        ? { origin: [origin], credentials: false, methods: ["GET", "POST"], allowedHeaders: ["content-type", "x-lectr-key", "authorization"] }
        : false;
    },
    plugins: [operationBudget(gate, heavyPerKey)],
    context: ({ lectr }) => lectr!,
    maskedErrors: {
      // Lectr's own GraphQLErrors pass through; anything else becomes "Unexpected error." and is logged here, once.
      maskError: (error, message) => {
        const known = readError(error);
        if (known) return known;
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

  return async (request, clientIp = () => "") => {
    // a CORS preflight carries no credentials by design
    if (request.method === "OPTIONS") return yoga.fetch(request, {});
    if (wantsExplorer(request)) return new Response(explorerPage(), { headers: explorerHeaders });

    const now = Date.now();
    // the peer address is looked up only while some address has failures on record
    const blockedMs = deps.limiter.active() ? deps.limiter.blockedFor(clientIp(), now) : 0;
    if (blockedMs > 0) {
      const retryAfterS = Math.ceil(blockedMs / 1000);
      return errorResponse(429, `Too many requests with invalid credentials from this address; try again in ${retryAfterS} s.`, "TOO_MANY_AUTH_FAILURES", { "retry-after": String(retryAfterS) });
    }
    const who = await authenticate(deps, request.headers);
    if (!who.ok) {
      // an unreachable database says nothing about the credentials: not a failed guess
      if (who.reason !== "database_unavailable") {
        deps.limiter.fail(clientIp(), now);
        deps.onAuthFailure(who.reason);
      }
      return fromGraphqlError(who.error);
    }
    const lectr = createContext(deps, who.principal, now, volumes);

    let forwarded = request;
    if (request.method === "POST") {
      const body = await readBody(request, maxBodyBytes, deps.bodyTimeoutMs);
      if (!body.ok) {
        if (body.error.kind === "body_too_large") return errorResponse(413, `A GraphQL request body may be at most ${maxBodyBytes} bytes.`, "PAYLOAD_TOO_LARGE");
        if (body.error.kind === "body_timeout") return errorResponse(408, `The request body did not arrive within ${deps.bodyTimeoutMs} ms.`, "REQUEST_TIMEOUT");
        return errorResponse(400, "The request body was cut off.", "BAD_REQUEST");
      }
      forwarded = new Request(request.url, { method: "POST", headers: request.headers, body: body.value as BodyInit });
    }
    const heavy: { release?: () => void } = {};
    try {
      return await boundAnswer(await yoga.fetch(forwarded, { lectr, heavy }), maxResponseBytes);
    } finally {
      heavy.release?.();
    }
  };
}

/** A browser asking for the page, not running a query (GET with ?query= runs it). */
function wantsExplorer(request: Request): boolean {
  if (request.method !== "GET" || !request.headers.get("accept")?.includes("text/html")) return false;
  return !new URL(request.url).searchParams.has("query");
}

/**
 * The page runs its one inline script (static: nothing from the request is in it) and talks to this origin only;
 * like the dashboard, it is never framed (clickjacking), never sniffed, and sends no referrer.
 */
const explorerHeaders = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/** An answer over the size bound is replaced by one error that says how to ask for less. */
async function boundAnswer(response: Response, maxBytes: number): Promise<Response> {
  const text = await response.text();
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return new Response(text, response);
  const error = {
    data: null,
    errors: [
      {
        message: `The answer is ${bytes} bytes; the limit is ${maxBytes}. Ask for fewer fields, a shorter period or smaller pages.`,
        extensions: { code: "RESPONSE_TOO_LARGE" },
      },
    ],
  };
  // a batch gets one error per operation, so clients still match answers to operations
  const body = text.startsWith("[") ? Array.from({ length: (JSON.parse(text) as unknown[]).length }, () => error) : error;
  return Response.json(body, { status: 200, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
}
