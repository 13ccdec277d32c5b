/** The front door's plumbing in the runtime: a request passes the door before the handler sees it. */
import type { ServeOptions } from "./serve.ts";

/** What the runtime does for `throughDoor`, made once per server so that a request allocates no callbacks for it. */
export interface Hooks {
  /** `true` lifts the runtime's idle timer for a long request; `false` puts it back. */
  hold(request: Request, on: boolean): void;
  /** `routed` stands for `request` (its peer address is looked up by the original). */
  alias(routed: Request, request: Request): void;
}

/** Runs a request through the door and the handler. */
export function throughDoor(request: Request, peer: string, opts: ServeOptions, hooks: Hooks): Response | Promise<Response> {
  const a = opts.door.enter(request, peer);
  if (!a.ok) return a.response;
  let routed = request;
  if (a.url !== undefined) {
    routed = new Request(a.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal, duplex: "half" } as RequestInit);
    hooks.alias(routed, request);
  }
  if (a.long) hooks.hold(request, true);
  const settle = (res: Response) => {
    opts.door.leave(peer);
    // a body cut off by its deadline was never read to the end: the connection cannot carry another request
    if (res.status === 408) res.headers.set("connection", "close");
    // Lectr's refusals are small and written at once, so the idle timer can guard the connection again;
    // a 2xx may be a stream or a large body, whose connection stays governed by Lectr's own timeouts
    else if (a.long && res.status >= 400) hooks.hold(request, false);
    return res;
  };
  const failed = (error: unknown): never => {
    opts.door.leave(peer);
    throw error;
  };
  let out: Response | Promise<Response>;
  try {
    out = opts.fetch(routed);
  } catch (error) {
    return failed(error);
  }
  return out instanceof Promise ? out.then(settle, failed) : settle(out);
}
