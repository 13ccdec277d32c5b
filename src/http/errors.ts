/**
 * Every failure Lectr itself answers, as data. `httpError` is the one place
 * that turns them into a status and OpenAI's error envelope
 * (https://platform.openai.com/docs/guides/error-codes), so SDKs read them
 * like any provider error.
 */
import { providerIds } from "../providers/types.ts";
export type ProxyError =
  | { kind: "invalid_lectr_key"; reason: "missing" | "unknown" | "revoked" }
  | { kind: "too_many_auth_failures"; retryAfterS: number }
  | { kind: "database_unavailable"; retryAfterS: number }
  | { kind: "insufficient_scope"; scope: string }
  | { kind: "invalid_provider"; value: string }
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

/** Errors that say when to come back carry `retry-after` (RFC 9110 §10.2.3). */
export function errorResponse(error: ProxyError, headers?: Record<string, string>): Response {
  const e = httpError(error);
  const retry = "retryAfterS" in error ? { "retry-after": String(error.retryAfterS) } : undefined;
  return Response.json(e.body, { status: e.status, headers: retry ? { ...retry, ...headers } : headers });
}
