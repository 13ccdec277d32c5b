/**
 * The one network call of the request path. Failures to get a response are
 * typed: unreachable (refused, reset, DNS), timeout, or the client left.
 */
import { fail, ok, type Result } from "../lib/result.ts";
import { watch } from "../lib/timers.ts";

export type ForwardFailure = "upstream_unreachable" | "upstream_timeout" | "client_aborted";

export interface Deadline {
  signal: AbortSignal;
  /** Why the signal fired, once it has. */
  reason(): ForwardFailure | undefined;
  /** Ends the upstream call now, e.g. when the client cancels the response stream. */
  abort(why: ForwardFailure): void;
  clear(): void;
}

/** One signal for the upstream call: the client's disconnect, or the whole-request timeout. */
export function createDeadline(client: AbortSignal, timeoutMs: number): Deadline {
  const ac = new AbortController();
  let why: ForwardFailure | undefined;
  const onClient = () => {
    why ??= "client_aborted";
    ac.abort();
  };
  if (client.aborted) onClient();
  else client.addEventListener("abort", onClient, { once: true });
  const expiresAt = performance.now() + timeoutMs;
  const unwatch = watch({
    due: () => expiresAt,
    fire: () => {
      why ??= "upstream_timeout";
      ac.abort();
    },
  });
  return {
    signal: ac.signal,
    reason: () => why,
    abort: (reason) => {
      why ??= reason;
      ac.abort();
    },
    clear: () => {
      unwatch();
      client.removeEventListener("abort", onClient);
    },
  };
}

export async function forward(
  url: string,
  init: { method: string; headers: Headers; body: Uint8Array | undefined },
  deadline: Deadline,
): Promise<Result<Response, ForwardFailure>> {
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body as BodyInit | undefined,
      signal: deadline.signal,
      redirect: "manual",
    });
    return ok(response);
  } catch {
    return fail(deadline.reason() ?? "upstream_unreachable");
  }
}

/** Ends the upstream call when its body goes quiet for `ms`: a chunk only stamps the time. */
export function watchIdle(deadline: Deadline, ms: number): { touch(): void; stop(): void } {
  let last = performance.now();
  const stop = watch({ due: () => last + ms, fire: () => deadline.abort("upstream_timeout") });
  return { touch: () => void (last = performance.now()), stop };
}
