/** Reading a client's request body within a size and a time bound: the proxy and the GraphQL API take bodies the same way. */
import { concatBytes } from "../lib/bytes.ts";
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
  return ok(concatBytes(chunks, size));
}
