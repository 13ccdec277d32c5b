/**
 * The few text fields Lectr needs from a multipart/form-data body (RFC 7578): `model` (for provider
 * detection and the event) and `stream`. The body is already in memory within the body limit; this
 * only looks through it, part by part, with the runtime's native byte search, never copying a file
 * part. Hostile input is bounded: a boundary of at most 70 characters (RFC 2046), part headers of at
 * most 1 KiB, at most 64 parts, field values of at most 1 KiB.
 */
import { Buffer } from "node:buffer";

const maxBoundary = 70;
const maxHeaderBytes = 1024;
const maxParts = 64;
const maxValueBytes = 1024;
const decoder = new TextDecoder();

/** The boundary of a multipart/form-data content type, or undefined. */
export function formBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && boundary.length <= maxBoundary ? boundary : undefined;
}

/** Values of the named text fields (the first of each name); a field cut at the value bound keeps its first 1 KiB. */
export function formFields(bytes: Uint8Array, boundary: string, names: readonly string[]): Record<string, string> {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const found: Record<string, string> = {};
  // Where the first part's headers start: the first delimiter may open the body without the CRLF before it.
  const opening = delimiter.subarray(2);
  const first = body.subarray(0, opening.length).equals(opening) ? 0 : body.indexOf(delimiter);
  let start = first < 0 ? -1 : first === 0 ? opening.length : first + delimiter.length;
  for (let parts = 0; start >= 0 && parts < maxParts; parts++) {
    // "--" after a delimiter ends the body
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const headersEnd = body.indexOf("\r\n\r\n", start);
    if (headersEnd < 0 || headersEnd - start > maxHeaderBytes) break;
    const next = body.indexOf(delimiter, headersEnd + 4);
    const name = fieldName(decoder.decode(body.subarray(start, headersEnd)));
    if (name !== undefined && names.includes(name) && !(name in found)) {
      const end = next < 0 ? body.length : next;
      found[name] = decoder.decode(body.subarray(headersEnd + 4, Math.min(end, headersEnd + 4 + maxValueBytes)));
    }
    start = next < 0 ? -1 : next + delimiter.length;
  }
  return found;
}

/** The `name` of a text part's Content-Disposition; undefined for a file part or anything else. */
function fieldName(headers: string): string | undefined {
  for (const line of headers.split("\r\n")) {
    if (!/^content-disposition\s*:\s*form-data\s*;/i.test(line)) continue;
    if (/;\s*filename\*?=/i.test(line)) return undefined;
    return /;\s*name="([^"]*)"/i.exec(line)?.[1];
  }
  return undefined;
}
