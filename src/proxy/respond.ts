/**
 * Turns the provider's response into the client's, reading usage on the way:
 * error bodies to normalise, bodies read whole, and streams tapped as they pass.
 */
import { httpError } from "../lib/errors.ts";
import type { Provider } from "../providers/provider.ts";
import type { ResponseFacts } from "./event.ts";
import type { Deadline } from "./forward.ts";
import { collectBody } from "./collect.ts";
import { unwrapArrayError } from "./normalize-error.ts";
import { readJsonBody, tapBody, type BodyReader } from "./tap.ts";

/** Non-streaming bodies up to this size are read whole; larger ones stream through. */
const collectCap = 8 * 1024 * 1024;

export interface RespondContext {
  provider: Provider;
  /** Lectr added include_usage to the request. */
  injected: boolean;
  deadline: Deadline;
  idleTimeoutMs: number;
  /** Headers for the client, already cleaned. */
  headers: Headers;
  startedAt: number;
  /** The provider has sent everything Lectr waits for before answering. */
  upstreamDone(): void;
  /** Records the event; returns its cost in USD (null: unknown). */
  finish(res: Omit<ResponseFacts, "latencyMs">): number | null | undefined;
}

/** Plain decimal dollars to 12 places (a micro-cent), never exponent notation: 7.4e-7 → "0.00000074". */
export function formatUsd(usd: number): string {
  return usd.toFixed(12).replace(/\.?0+$/, "");
}

export async function respond(upstream: Response, c: RespondContext): Promise<Response> {
  const { status } = upstream;
  const upstreamError = status >= 400 ? "upstream_error" : null;
  const init = { status, statusText: upstream.statusText, headers: c.headers };
  const sinceStart = () => performance.now() - c.startedAt;

  if (!upstream.body) {
    c.deadline.clear();
    c.finish({ status, errorCode: upstreamError, ttfbMs: sinceStart(), usage: undefined, responseModel: undefined });
    return new Response(null, init);
  }
  const sse = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  const length = Number(upstream.headers.get("content-length") ?? "-1");
  // A declared length within the cap: the runtime's native read, no stream object.
  const source = !sse && length >= 0 && length <= collectCap ? upstream : upstream.body.getReader();
  let prefix: Uint8Array[] = [];

  if (!sse) {
    const got = await collectBody(source, c.deadline, c.idleTimeoutMs, collectCap);
    c.upstreamDone();
    if (got.kind === "failed") {
      c.deadline.clear();
      if (got.failure === "client_aborted") {
        c.finish({ status: 499, errorCode: "client_aborted", ttfbMs: null, usage: undefined, responseModel: undefined });
        return new Response(null, { status: 499 });
      }
      // nothing was sent yet, so the client still gets a proper error
      const e = httpError({ kind: got.failure });
      c.finish({ status: e.status, errorCode: e.code, ttfbMs: null, usage: undefined, responseModel: undefined });
      return Response.json(e.body, { status: e.status, headers: c.headers });
    }
    if (got.kind === "complete") {
      c.deadline.clear();
      let bytes: Uint8Array | string = got.bytes;
      const seen = upstreamError ? { usage: undefined, responseModel: undefined } : readJsonBody(c.provider.id, got.bytes);
      if (upstreamError && c.provider.arrayErrorBodies) {
        bytes = unwrapArrayError(new TextDecoder().decode(got.bytes), status);
        c.headers.set("content-type", "application/json");
      }
      // The whole body is read before answering, so the cost is known before the first byte: saying it is free.
      const cost = c.finish({ status, errorCode: upstreamError, ttfbMs: sinceStart(), ...seen });
      if (typeof cost === "number") c.headers.set("x-lectr-cost-usd", formatUsd(cost));
      return new Response(bytes as BodyInit, init);
    }
    prefix = got.prefix;
  }

  const body = tapBody(source as BodyReader, prefix, {
    provider: c.provider.id,
    sse,
    dropInjectedUsage: c.injected,
    deadline: c.deadline,
    idleTimeoutMs: c.idleTimeoutMs,
    onEnd: (o) =>
      c.finish({
        status: o.failure === "client_aborted" && o.firstByteAt === undefined ? 499 : status,
        errorCode: o.failure ?? upstreamError ?? (o.streamError ? "upstream_error" : null),
        ttfbMs: o.firstByteAt === undefined ? null : o.firstByteAt - c.startedAt,
        usage: o.usage,
        responseModel: o.responseModel,
        streamedChunks: o.dataEvents,
      }),
  });
  return new Response(body, init);
}
