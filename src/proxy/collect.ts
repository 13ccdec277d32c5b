/**
 * Non-streaming bodies are read whole before the client gets them: the
 * client cannot use half a JSON document anyway, one write is far cheaper
 * than a piped stream, and a body the provider breaks off can still be
 * answered with a clean 502. Bodies past `cap` fall back to streaming.
 */
import { watchIdle, type Deadline, type ForwardFailure } from "./forward.ts";
import { concatBytes } from "../lib/bytes.ts";
import type { BodyReader } from "./tap.ts";

export type Collected =
  | { kind: "complete"; bytes: Uint8Array }
  | { kind: "large"; prefix: Uint8Array[] }
  | { kind: "failed"; failure: ForwardFailure };

/** `source` is a reader, or a Response whose declared length is within the cap. */
export async function collectBody(source: BodyReader | Response, deadline: Deadline, idleTimeoutMs: number, cap: number): Promise<Collected> {
  if (source instanceof Response) {
    const idle = watchIdle(deadline, idleTimeoutMs);
    try {
      return { kind: "complete", bytes: new Uint8Array(await source.arrayBuffer()) };
    } catch {
      return { kind: "failed", failure: deadline.reason() ?? "upstream_unreachable" };
    } finally {
      idle.stop();
    }
  }
  const reader = source;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const idle = watchIdle(deadline, idleTimeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { kind: "complete", bytes: concatBytes(chunks, size) };
      idle.touch();
      chunks.push(value);
      size += value.byteLength;
      if (size > cap) return { kind: "large", prefix: chunks };
    }
  } catch {
    return { kind: "failed", failure: deadline.reason() ?? "upstream_unreachable" };
  } finally {
    idle.stop();
  }
}
