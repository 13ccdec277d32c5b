/** Reading and inspecting the client's request body. */
import { createReadDeadline, timedOut, type ReadDeadline } from "./read-deadline.ts";
import { fail, ok, type Result } from "../lib/result.ts";

export type BodyError = { kind: "body_too_large"; limit: number } | { kind: "body_timeout"; timeoutMs: number } | { kind: "client_aborted" };

/**
 * Reads the body, refusing it as soon as it passes `limit` bytes: a declared
 * Content-Length is checked first, and a chunked upload is counted while it
 * streams in, so an oversized body is never buffered whole. A body not
 * complete within `timeoutMs` (LECTR_BODY_TIMEOUT_MS) fails as body_timeout.
 */
export async function readBody(
  request: Request,
  limit: number,
  timeoutMs: number,
): Promise<Result<Uint8Array, BodyError>> {
  const deadline = createReadDeadline(timeoutMs);
  try {
    return await readBodyBefore(request, limit, deadline, timeoutMs);
  } finally {
    deadline.clear();
  }
}

async function readBodyBefore(
  request: Request,
  limit: number,
  deadline: ReadDeadline,
  timeoutMs: number,
): Promise<Result<Uint8Array, BodyError>> {
  const length = request.headers.get("content-length");
  const declared = length === null ? -1 : Number(length);
  if (declared > limit) {
    request.body?.cancel().catch(() => {});
    return fail({ kind: "body_too_large", limit });
  }
  if (declared >= 0) {
    // A declared length within the limit: the runtime's native read, no stream object.
    try {
      const reading = request.arrayBuffer();
      reading.catch(() => {});
      const whole = await Promise.race([reading, deadline.expired]);
      return whole === timedOut ? fail({ kind: "body_timeout", timeoutMs }) : ok(new Uint8Array(whole));
    } catch {
      return fail({ kind: "client_aborted" });
    }
  }
  if (!request.body) return ok(new Uint8Array(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>> | typeof timedOut;
    try {
      chunk = await Promise.race([reader.read(), deadline.expired]);
    } catch {
      // the client disconnected while still uploading
      return fail({ kind: "client_aborted" });
    }
    if (chunk === timedOut) {
      reader.cancel().catch(() => {});
      return fail({ kind: "body_timeout", timeoutMs });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return fail({ kind: "body_too_large", limit });
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return ok(chunks[0]!);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return ok(out);
}

export interface BodyFacts {
  /** The parsed JSON object, when the body is one. */
  json: Record<string, unknown> | undefined;
  /** `model` from the body, "" when absent or not a string. */
  model: string;
  stream: boolean;
  /** The client itself asked for streamed usage. */
  clientWantsUsage: boolean;
}

const decoder = new TextDecoder();

/** Bodies that are not a JSON object are still forwarded; they just tell Lectr nothing. */
export function inspectBody(bytes: Uint8Array): BodyFacts {
  const none: BodyFacts = { json: undefined, model: "", stream: false, clientWantsUsage: false };
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b /* { */) return none;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return none;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return none;
  const o = json as Record<string, unknown>;
  const so = o.stream_options;
  return {
    json: o,
    model: typeof o.model === "string" ? o.model : "",
    stream: o.stream === true,
    clientWantsUsage: typeof so === "object" && so !== null && (so as Record<string, unknown>).include_usage === true,
  };
}

const encoder = new TextEncoder();

/**
 * The body as sent upstream when Lectr changes it: the model a routing rule
 * chose, and/or `stream_options.include_usage` turned on (keeping the
 * client's other stream options). Everything else is the client's.
 */
export function rewriteBody(json: Record<string, unknown>, change: { model: string; streamUsage: boolean }): Uint8Array {
  const out: Record<string, unknown> = { ...json, model: change.model };
  if (change.streamUsage) {
    const so = typeof json.stream_options === "object" && json.stream_options !== null ? json.stream_options : {};
    out.stream_options = { ...so, include_usage: true };
  }
  return encoder.encode(JSON.stringify(out));
}
