/**
 * Gemini's compatibility layer wraps errors in a JSON array
 * (`[{"error":{"code":400,"message":…,"status":"INVALID_ARGUMENT"}}]`,
 * providers.md §4.4), which OpenAI SDKs cannot read: unwrap it into
 * OpenAI's envelope. Anything else is returned untouched.
 */
export function unwrapArrayError(text: string, status: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return text;
  const inner = (parsed[0] as { error?: Record<string, unknown> } | null)?.error;
  if (typeof inner !== "object" || inner === null) return text;
  const message = typeof inner.message === "string" ? inner.message : "The provider returned an error.";
  const code = typeof inner.status === "string" ? inner.status : String(inner.code ?? status);
  return JSON.stringify({ error: { message, type: errorType(status), param: null, code } });
}

function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
