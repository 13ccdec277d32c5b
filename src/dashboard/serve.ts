/**
 * Serves the dashboard's files at `/` and `/assets/*`, with headers that keep
 * it to itself: a CSP with no inline script or style and nothing from another
 * origin, no framing, no sniffing, no referrer.
 */
import { gzipSync } from "node:zlib";
import type { DashboardFile } from "./bundle.ts";

export const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
} as const;

interface Prepared {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
}

function prepare(files: DashboardFile[]): Map<string, Prepared> {
  return new Map(
    files.map((f) => {
      const body = new TextEncoder().encode(f.body);
      const etag = `"${contentHash(body)}"`;
      return [f.path, { type: f.type, body, gzip: gzipSync(body), etag }];
    }),
  );
}

/** A short content hash for the ETag (FNV-1a; not security relevant). */
function contentHash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return `${h.toString(16)}-${bytes.byteLength.toString(16)}`;
}

export function dashboardHandler(load: () => Promise<DashboardFile[]>): (request: Request) => Promise<Response> {
  let files: Promise<Map<string, Prepared>> | undefined;
  return async (request) => {
    const path = new URL(request.url).pathname;
    let served: Map<string, Prepared>;
    try {
      served = await (files ??= load().then(prepare));
    } catch (err) {
      files = undefined;
      return new Response(`The dashboard is not available: ${err instanceof Error ? err.message : String(err)}\n`, {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8", ...securityHeaders },
      });
    }
    const file = served.get(path);
    if (!file) return new Response("Not found.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", ...securityHeaders } });
    const headers: Record<string, string> = { "content-type": file.type, etag: file.etag, "cache-control": "no-cache", vary: "accept-encoding", ...securityHeaders };
    if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
    const gzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
    if (gzip) headers["content-encoding"] = "gzip";
    return new Response(request.method === "HEAD" ? null : ((gzip ? file.gzip : file.body) as Uint8Array<ArrayBuffer>), { headers });
  };
}
