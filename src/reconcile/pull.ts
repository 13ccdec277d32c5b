/**
 * Reads every page of one admin report, bounded: at most `maxPages` pages,
 * `maxBodyBytes` a page, `timeoutMs` a call, and retries on 429 / 5xx with
 * exponential backoff (honouring retry-after up to a cap). Errors name what
 * happened and never carry the key or the provider's body.
 */
import type { AdminApi, AdminRequest, PageResult } from "./admin-api.ts";

export type PullErrorKind = "unauthorized" | "rate_limited" | "provider_error" | "malformed" | "currency" | "timeout" | "too_many_pages" | "unreachable";
export type Pulled<T> = { ok: true; lines: T[] } | { ok: false; kind: PullErrorKind; error: string };

export interface PullDeps {
  fetch(url: string, init: RequestInit): Promise<Response>;
  sleep(ms: number): Promise<void>;
}

export const pullLimits = { maxPages: 50, maxBodyBytes: 8 * 1024 * 1024, timeoutMs: 30_000, attempts: 4, maxRetryAfterMs: 60_000 };
/** A whole run (every report, page and retry) gives up after this. */
export const runDeadlineMs = 10 * 60_000;
/** Waits before retries 2…4: 1, 2, 4 s (or the provider's retry-after, up to a minute). */
const backoffMs = (retry: number) => 1000 * 2 ** (retry - 1);

function retryAfterMs(res: Response): number | undefined {
  const s = Number(res.headers.get("retry-after"));
  return Number.isFinite(s) && s > 0 ? Math.min(s * 1000, pullLimits.maxRetryAfterMs) : undefined;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text.length > pullLimits.maxBodyBytes) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function pullReport<T>(
  api: AdminApi,
  baseUrl: string,
  adminKey: string,
  first: AdminRequest,
  parse: (body: unknown) => PageResult<T>,
  deps: PullDeps,
  calls: { count: number },
  /** Epoch ms after which no further call is made. */
  deadline = Number.POSITIVE_INFINITY,
): Promise<Pulled<T>> {
  const lines: T[] = [];
  let page: string | null = null;
  for (let n = 0; n < pullLimits.maxPages; n++) {
    const url = new URL(baseUrl + first.path);
    for (const [k, v] of first.query) url.searchParams.append(k, v);
    if (page !== null) url.searchParams.set(api.pageParam, page);
    let body: unknown;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > deadline) return { ok: false, kind: "timeout", error: `${first.path}: the run took over ${runDeadlineMs / 60_000} minutes; reconcile a shorter period` };
      calls.count++;
      let res: Response;
      try {
        res = await deps.fetch(url.toString(), { headers: { ...api.headers(adminKey), accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(pullLimits.timeoutMs) });
      } catch (e) {
        const kind = e instanceof Error && e.name === "TimeoutError" ? "timeout" : "unreachable";
        if (attempt < pullLimits.attempts) {
          await deps.sleep(backoffMs(attempt));
          continue;
        }
        return { ok: false, kind, error: `${first.path}: ${kind === "timeout" ? `no answer in ${pullLimits.timeoutMs / 1000} s` : "the provider could not be reached"}` };
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => {});
        return { ok: false, kind: "unauthorized", error: `${first.path}: the provider refused the admin key (HTTP ${res.status}); it may be wrong, revoked or lack the admin role` };
      }
      if (res.status === 429 || res.status >= 500) {
        const wait = retryAfterMs(res) ?? backoffMs(attempt);
        await res.body?.cancel().catch(() => {});
        if (attempt < pullLimits.attempts) {
          await deps.sleep(wait);
          continue;
        }
        return res.status === 429
          ? { ok: false, kind: "rate_limited", error: `${first.path}: still rate limited (HTTP 429) after ${attempt} attempts` }
          : { ok: false, kind: "provider_error", error: `${first.path}: HTTP ${res.status} after ${attempt} attempts` };
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        return { ok: false, kind: "provider_error", error: `${first.path}: HTTP ${res.status}` };
      }
      body = await readJson(res);
      break;
    }
    if (body === undefined) return { ok: false, kind: "malformed", error: `${first.path}: the page is not JSON or is over ${pullLimits.maxBodyBytes} bytes` };
    const parsed = parse(body);
    if (!parsed.ok) return { ok: false, kind: parsed.kind, error: `${first.path}: ${parsed.error}` };
    lines.push(...parsed.lines);
    if (parsed.next === null) return { ok: true, lines };
    page = parsed.next;
  }
  return { ok: false, kind: "too_many_pages", error: `${first.path}: more than ${pullLimits.maxPages} pages; reconcile a shorter period` };
}
