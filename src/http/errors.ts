/**
 * Every failure Lectr itself answers, as data. `httpError` is the one place
 * that turns them into a status and OpenAI's error envelope
 * (https://platform.openai.com/docs/guides/error-codes), so SDKs read them
 * like any provider error.
 */
import { providerIds, type ProviderId } from "../providers/types.ts";
import type { ErrorShape } from "../providers/endpoints.ts";
export type ProxyError =
  | { kind: "invalid_lectr_key"; reason: "missing" | "unknown" | "revoked" }
  | { kind: "too_many_auth_failures"; retryAfterS: number }
  | { kind: "database_unavailable"; retryAfterS: number }
  | { kind: "insufficient_scope"; scope: string }
  | { kind: "invalid_provider"; value: string }
  | { kind: "provider_not_served"; provider: ProviderId; serving: readonly ProviderId[]; path: string }
  | { kind: "invalid_task"; value: string }
  | { kind: "invalid_feature"; length: number }
  | { kind: "azure_endpoint_not_configured" }
  | { kind: "azure_endpoint_refused"; reason: string }
  | { kind: "body_too_large"; limit: number }
  | { kind: "body_timeout"; timeoutMs: number }
  | { kind: "invalid_host" }
  | { kind: "too_many_connections"; limit: number }
  | { kind: "upstream_unreachable" }
  | { kind: "upstream_timeout" }
  | { kind: "upstream_invalid_status"; status: number }
  | { kind: "invalid_model"; length: number; limit: number }
  | { kind: "not_found"; path: string }
  | { kind: "method_not_allowed"; method: string; path: string }
  | { kind: "budget_exceeded"; budget: string; resetsAt: number; room?: { leftUsd: number; callUsd: number } }
  | { kind: "budget_contended"; budget: string }
  | { kind: "budget_unmeasurable"; budget: string; why: string; exempt: string }
  | { kind: "rate_limited"; limit: string; exhausted: "requests" | "tokens"; retryAfterS: number };

export interface HttpError {
  status: number;
  code: string;
  body: { error: { message: string; type: string; code: string; param: null } };
}

function describe(error: ProxyError): { status: number; type: string; message: string } {
  switch (error.kind) {
    case "invalid_lectr_key":
      return {
        status: 401,
        type: "invalid_request_error",
        message:
          error.reason === "missing"
            ? "Missing X-Lectr-Key header. Send your Lectr org key (lk_…) in X-Lectr-Key."
            : error.reason === "revoked"
              ? "The Lectr key in X-Lectr-Key has been revoked."
              : "The Lectr key in X-Lectr-Key is not valid.",
      };
    case "too_many_auth_failures":
      return {
        status: 429,
        type: "rate_limit_error",
        message: `Too many requests with an invalid X-Lectr-Key from this address; try again in ${error.retryAfterS} s.`,
      };
    case "database_unavailable":
      return {
        status: 503,
        type: "api_error",
        message: `Lectr cannot reach its database to check this X-Lectr-Key; try again in ${error.retryAfterS} s.`,
      };
    case "insufficient_scope":
      return {
        status: 403,
        type: "invalid_request_error",
        message: `This Lectr key has the ${clip(error.scope)} scope, which cannot call providers; use a key with the proxy or admin scope.`,
      };
    case "invalid_provider":
      return {
        status: 400,
        type: "invalid_request_error",
        message: `Invalid X-Lectr-Provider ${JSON.stringify(clip(error.value))}. Valid values: ${providerIds.join(", ")}.`,
      };
    case "provider_not_served":
      return {
        status: 400,
        type: "invalid_request_error",
        message:
          error.serving.length === 0
            ? `${clip(error.path, 128)} is not served by any provider Lectr knows.`
            : `${error.provider} does not serve ${clip(error.path, 128)}; here it is served by ${error.serving.join(", ")}. ` +
              "Send a model of one of those (or X-Lectr-Provider), or call the provider's own path: nothing was forwarded.",
      };
    case "invalid_task":
      return {
        status: 400,
        type: "invalid_request_error",
        message: `Invalid X-Lectr-Task ${JSON.stringify(clip(error.value))}. Valid values: chat, classification, extraction, summarization, generation, code, reasoning, embedding, other.`,
      };
    case "invalid_feature":
      return {
        status: 400,
        type: "invalid_request_error",
        message: `X-Lectr-Feature is ${error.length} characters; the limit is 128.`,
      };
    case "azure_endpoint_not_configured":
      return {
        status: 400,
        type: "invalid_request_error",
        message:
          "Azure OpenAI is not configured for this org. Set the endpoint and API version first (lectr orgs set-azure NAME --endpoint URL --api-version V).",
      };
    case "azure_endpoint_refused":
      return { status: 400, type: "invalid_request_error", message: `The configured Azure endpoint is refused: ${error.reason}` };
    case "body_too_large":
      return { status: 413, type: "invalid_request_error", message: `Request body is larger than the limit of ${error.limit} bytes.` };
    case "body_timeout":
      return { status: 408, type: "invalid_request_error", message: `The request body did not arrive within ${error.timeoutMs} ms.` };
    case "invalid_host":
      // RFC 9112 §3.2: a Host header with an invalid value gets 400
      return { status: 400, type: "invalid_request_error", message: "Invalid Host header." };
    case "too_many_connections":
      return {
        status: 429,
        type: "rate_limit_error",
        message: `This address already has ${error.limit} requests in progress; wait for one to finish.`,
      };
    case "upstream_unreachable":
      return { status: 502, type: "api_error", message: "Lectr could not reach the provider (connection refused or reset)." };
    case "upstream_timeout":
      return { status: 504, type: "api_error", message: "The provider did not answer in time." };
    case "upstream_invalid_status":
      return { status: 502, type: "api_error", message: `The provider answered with HTTP status ${error.status}, which is outside 200–599.` };
    case "invalid_model":
      return { status: 400, type: "invalid_request_error", message: `model is ${error.length} characters; the limit is ${error.limit}.` };
    case "not_found":
      return { status: 404, type: "invalid_request_error", message: `Unknown path ${clip(error.path, 128)}.` };
    case "method_not_allowed":
      return { status: 405, type: "invalid_request_error", message: `Method ${clip(error.method)} is not allowed on ${clip(error.path, 128)}.` };
    case "budget_exceeded":
      // 402: neither the openai nor the Anthropic SDK retries it (they retry 408, 409, 429 and 5xx), so the caller sees it at once
      return {
        status: 402,
        type: "insufficient_quota",
        message: error.room
          ? `Budget ${JSON.stringify(error.budget)} has $${error.room.leftUsd.toPrecision(3)} left for this period, less than this call may cost ($${error.room.callUsd.toPrecision(3)}; ` +
            `a lower max_tokens reserves less); it resets at ${new Date(error.resetsAt).toISOString()}.`
          : `Budget ${JSON.stringify(error.budget)} is used up for this period; it resets at ${new Date(error.resetsAt).toISOString()}.`,
      };
    case "budget_contended":
      // room is left, but other replicas hold it until the next sync round (a fraction of a second): retry, as SDKs do on 429
      return {
        status: 429,
        type: "rate_limit_error",
        message: `Budget ${JSON.stringify(error.budget)} is nearly used up and its remaining room is being shared between replicas; retry shortly.`,
      };
    case "budget_unmeasurable":
      // 402 like budget_exceeded: retrying cannot help until the price is set or the budget exempts the call
      return {
        status: 402,
        type: "insufficient_quota",
        message:
          `Budget ${JSON.stringify(error.budget)} blocks calls whose cost Lectr cannot estimate before they run, and this one's cannot: ${error.why}. ` +
          `To let such calls through, add ${JSON.stringify(error.exempt)} to the budget's exempt list (updateBudget, exempt).`,
      };
    case "rate_limited":
      return {
        status: 429,
        type: error.exhausted,
        message: `Rate limit ${JSON.stringify(error.limit)} reached for ${error.exhausted} per minute; try again in ${error.retryAfterS} s.`,
      };
  }
}

function codeOf(error: ProxyError): string {
  switch (error.kind) {
    case "invalid_provider":
      return "invalid_lectr_provider";
    case "invalid_task":
      return "invalid_lectr_task";
    case "invalid_feature":
      return "invalid_lectr_feature";
    case "body_too_large":
      return "request_too_large";
    case "body_timeout":
      return "request_timeout";
    case "rate_limited":
      return "rate_limit_exceeded";
    default:
      return error.kind;
  }
}

/**
 * Echoed values are clipped: a huge header cannot make a huge error, and a
 * secret pasted into the wrong header is not sent back whole.
 */
function clip(s: string, max = 16): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function httpError(error: ProxyError): HttpError {
  const { status, type, message } = describe(error);
  const code = codeOf(error);
  return { status, code, body: { error: { message, type, code, param: null } } };
}

/** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
function anthropicType(status: number): string {
  const types: Record<number, string> = {
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
  };
  return types[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** google.rpc.Code names by HTTP status (https://cloud.google.com/apis/design/errors#handling_errors). */
function googleStatus(status: number): string {
  const names: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    402: "FAILED_PRECONDITION",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
  };
  return names[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

/**
 * The error body in the envelope of the API that was called, so its own SDK raises it with the message:
 * OpenAI's; Anthropic's `{"type":"error","error":{type,message}}`; Google's `{"error":{code,message,status}}`,
 * Lectr's code as an ErrorInfo reason.
 */
export function shapedBody(e: HttpError, shape: ErrorShape = "openai"): unknown {
  const { message } = e.body.error;
  if (shape === "anthropic") return { type: "error", error: { type: anthropicType(e.status), message } };
  if (shape === "google") {
    const info = { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: e.code.toUpperCase(), domain: "lectr" };
    return { error: { code: e.status, message, status: googleStatus(e.status), details: [info] } };
  }
  return e.body;
}

/** Errors that say when to come back carry `retry-after` (RFC 9110 §10.2.3). */
export function errorResponse(error: ProxyError, headers?: Record<string, string>, shape?: ErrorShape): Response {
  const e = httpError(error);
  const retry = "retryAfterS" in error ? { "retry-after": String(error.retryAfterS) } : undefined;
  return Response.json(shapedBody(e, shape), { status: e.status, headers: retry ? { ...retry, ...headers } : headers });
}

/**
 * The masked answer when something throws past every expected failure: never the
 * runtime's page with source lines, never the error's own text.
 */
export function internalErrorResponse(): Response {
  return Response.json({ error: { message: "Internal error in Lectr.", type: "api_error", code: "internal_error", param: null } }, { status: 500 });
}
