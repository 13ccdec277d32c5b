/** Inspecting the client's request body, and rewriting it where Lectr may. */
import { formBoundary, formFields } from "./multipart.ts";

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

/**
 * Bodies that are not a JSON object are still forwarded; they just tell Lectr nothing, except a
 * multipart form (audio uploads), whose `model` and `stream` fields are read (multipart.ts).
 */
export function inspectBody(bytes: Uint8Array, contentType: string | null = null): BodyFacts {
  const none: BodyFacts = { json: undefined, model: "", stream: false, clientWantsUsage: false };
  const boundary = formBoundary(contentType);
  if (boundary !== undefined) {
    const fields = formFields(bytes, boundary, ["model", "stream"]);
    return { ...none, model: fields.model?.trim() ?? "", stream: fields.stream?.trim() === "true" };
  }
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
