/**
 * What every request passes before routing, whatever the runtime: a request
 * target Lectr can route by its path alone (never by Host), and a cap on
 * the requests one client address may have in progress at once.
 */
import { errorResponse } from "./errors.ts";

export type Entry =
  | {
      ok: true;
      /** The URL to route by, when the runtime's cannot be used as it is. */
      url: string | undefined;
      /** Held open by Lectr's own deadlines (body, upstream, stream idle), not the runtime's idle timer. */
      long: boolean;
    }
  | { ok: false; response: Response };

export interface FrontDoor {
  enter(request: Request, peer: string): Entry;
  /** The handler has answered a request that entered. */
  leave(peer: string): void;
}

/**
 * The router finds the path at the first "/" from offset 11 (Elysia's
 * getPath, sized for `http://` plus a 4-character host), so a URL whose
 * host is shorter is routed by the wrong path. Such a request is given a
 * neutral origin; only its path and query are kept.
 */
const pathSearchFrom = 11;
const neutralOrigin = "http://lectr.local";

/**
 * undefined: route by `url` as it is; a string: route by that URL; null: refuse.
 * The runtime hands over a relative URL when Host is not a valid host
 * (`a/b`, `x@y`, empty), and Lectr never guesses one; when there is no
 * Host at all (HTTP/1.0, e.g. a load balancer's health check; HTTP/1.1
 * without Host never gets here) there is nothing to steer by.
 */
export function routableUrl(url: string, host: string | null): string | undefined | null {
  if (url.startsWith("/")) return host === null ? `${neutralOrigin}${url}` : null;
  const scheme = url.startsWith("http://") ? 7 : url.startsWith("https://") ? 8 : -1;
  if (scheme < 0) return null;
  const path = url.indexOf("/", scheme);
  if (path < 0) return null;
  return path >= pathSearchFrom ? undefined : `${neutralOrigin}${url.slice(path)}`;
}

/** Requests that may take minutes: proxied calls (and their streams) and GraphQL. */
function isLong(url: string): boolean {
  const at = url.indexOf("/", url.indexOf("//") + 2);
  return url.startsWith("/v1/", at) || url.startsWith("/openai/", at) || url.startsWith("/v1beta/", at) || url.startsWith("/v1alpha/", at) || url.startsWith("/graphql", at);
}

export function createFrontDoor(opts: { maxPerAddress: number }): FrontDoor {
  const busy = new Map<string, number>();
  const capped = opts.maxPerAddress > 0;
  return {
    enter(request, peer) {
      const url = request.url;
      // the Host header is read only for the rare relative URL
      const routable = routableUrl(url, url.startsWith("/") ? request.headers.get("host") : null);
      if (routable === null) return { ok: false, response: errorResponse({ kind: "invalid_host" }, { connection: "close" }) };
      if (capped) {
        const n = busy.get(peer) ?? 0;
        if (n >= opts.maxPerAddress) {
          return { ok: false, response: errorResponse({ kind: "too_many_connections", limit: opts.maxPerAddress }, { connection: "close" }) };
        }
        busy.set(peer, n + 1);
      }
      return { ok: true, url: routable, long: isLong(routable ?? url) };
    },
    leave(peer) {
      if (!capped) return;
      const n = (busy.get(peer) ?? 1) - 1;
      if (n <= 0) busy.delete(peer);
      else busy.set(peer, n);
    },
  };
}
