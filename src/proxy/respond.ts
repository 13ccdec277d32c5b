/**
 * Turns the provider's response into the client's, reading usage on the way:
 * error bodies to normalise, bodies read whole, and streams tapped as they pass.
 * Returns the response and one promise of what the request came to; the caller records it.
 */
import { httpError, shapedBody } from "../http/errors.ts";
import type { Provider } from "../providers/provider.ts";
import type { Endpoint } from "../providers/endpoints.ts";
import type { Outcome } from "./event.ts";
import type { Deadline } from "./forward.ts";
import { collectBody } from "./collect.ts";
import { readJsonBody, tapBody, type BodyReader } from "./tap.ts";

/** Non-streaming bodies up to this size are read whole; larger ones stream through. */
const collectCap = 8 * 1024 * 1024;

export interface RespondContext {
  provider: Provider;
  endpoint: Endpoint;
  /** Lectr added include_usage to the request. */
  injected: boolean;
  deadline: Deadline;
  idleTimeoutMs: number;
  /** Headers for the client, already cleaned. */
  headers: Headers;
  startedAt: number;
}

export interface Answer {
  response: Response;
  /** Settles once, when the request is over: with the stream's end for a streamed body. */
  outcome: Promise<Outcome>;
  /** The outcome settled before the response was built (the body was read whole): its cost can be a header. */
  whole: boolean;
}

/** Plain decimal dollars to 12 places (a micro-cent), never exponent notation: 7.4e-7 → "0.00000074". */
export function formatUsd(usd: number): string {
  return usd.toFixed(12).replace(/\.?0+$/, "");
}

const noUsage = { usage: undefined, responseModel: undefined } as const;

/** An answer whose outcome is already known. */
export function settled(response: Response, outcome: Outcome): Answer {
  return { response, outcome: Promise.resolve(outcome), whole: true };
}

export async function respond(upstream: Response, c: RespondContext): Promise<Answer> {
  const { status } = upstream;
  const upstreamError = status >= 400 ? "upstream_error" : null;
  const init = { status, statusText: upstream.statusText, headers: c.headers };
  const sinceStart = () => performance.now() - c.startedAt;

  if (!upstream.body) {
    c.deadline.clear();
    return settled(new Response(null, init), { status, errorCode: upstreamError, ttfbMs: sinceStart(), ...noUsage });
  }
  const sse = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  // The runtime decodes gzip/br/deflate: a declared length then counts encoded bytes, which say nothing
  // of the decoded size (a small bomb inflates to gigabytes), so encoded bodies are counted as they decode.
  const encoded = (upstream.headers.get("content-encoding") ?? "identity").trim().toLowerCase() !== "identity";
  const length = encoded ? -1 : Number(upstream.headers.get("content-length") ?? "-1");
  // A declared length within the cap: the runtime's native read, no stream object.
  const source = !sse && length >= 0 && length <= collectCap ? upstream : upstream.body.getReader();
  let prefix: Uint8Array[] = [];

  if (!sse) {
    const got = await collectBody(source, c.deadline, c.idleTimeoutMs, collectCap);
    const upstreamDoneAt = performance.now();
    if (got.kind === "failed") {
      c.deadline.clear();
      if (got.failure === "client_aborted") {
        return settled(new Response(null, { status: 499 }), { status: 499, errorCode: "client_aborted", ttfbMs: null, upstreamDoneAt, ...noUsage });
      }
      // nothing was sent yet, so the client still gets a proper error
      const e = httpError({ kind: got.failure });
      const response = Response.json(shapedBody(e, c.endpoint.errorShape), { status: e.status, headers: c.headers });
      return settled(response, { status: e.status, errorCode: e.code, ttfbMs: null, upstreamDoneAt, ...noUsage });
    }
    if (got.kind === "complete") {
      c.deadline.clear();
      let bytes: Uint8Array | string = got.bytes;
      const seen = upstreamError ? noUsage : readJsonBody({ endpoint: c.endpoint, provider: c.provider.id }, got.bytes);
      if (upstreamError && c.provider.unwrapError) {
        bytes = c.provider.unwrapError(new TextDecoder().decode(got.bytes), status);
        c.headers.set("content-type", "application/json");
      }
      return settled(new Response(bytes as BodyInit, init), { status, errorCode: upstreamError, ttfbMs: sinceStart(), upstreamDoneAt, ...seen });
    }
    prefix = got.prefix;
  }

  const { promise, resolve } = Promise.withResolvers<Outcome>();
  const body = tapBody(source as BodyReader, prefix, {
    endpoint: c.endpoint,
    provider: c.provider.id,
    sse,
    dropInjectedUsage: c.injected,
    deadline: c.deadline,
    idleTimeoutMs: c.idleTimeoutMs,
    onEnd: (o) =>
      resolve({
        status: o.failure === "client_aborted" && o.firstByteAt === undefined ? 499 : status,
        errorCode: o.failure ?? upstreamError ?? (o.streamError ? "upstream_error" : null),
        ttfbMs: o.firstByteAt === undefined ? null : o.firstByteAt - c.startedAt,
        usage: o.usage,
        responseModel: o.responseModel,
        streamedChunks: o.dataEvents,
      }),
  });
  return { response: new Response(body, init), outcome: promise, whole: false };
}
