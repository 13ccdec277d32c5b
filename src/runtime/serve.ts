/** Serving HTTP on Bun or Deno, behind the front door (door.ts) and the masked 500. */
import type { FrontDoor } from "../http/front-door.ts";
import { internalErrorResponse as internalError } from "../http/errors.ts";
import { throughDoor, type Hooks } from "./door.ts";
import { runtimeName } from "./name.ts";

declare const Deno: any;
declare const Bun: any;

export interface Served {
  port: number;
  hostname: string;
  /** Stop accepting new connections; resolves when in-flight requests are done (or force closes them). */
  stop(force?: boolean): Promise<void>;
  /** Requests whose response is not yet completely written (0 where the runtime cannot tell). */
  pending(): number;
  /** The peer address of a request being served ("" when unknown). */
  clientIp(request: Request): string;
}

export interface ServeOptions {
  port: number;
  hostname: string;
  fetch: (request: Request) => Response | Promise<Response>;
  maxRequestBodySize?: number;
  /** Checks every request before `fetch` sees it (src/http/front-door.ts). */
  door: FrontDoor;
  /** An idle keep-alive connection, or a request the door did not mark long, is closed after this. */
  idleTimeoutMs: number;
}

export function serve(opts: ServeOptions): Served {
  if (runtimeName === "bun") {
    // Bun counts its idle timer in whole seconds, at most 255
    const idleS = Math.min(255, Math.ceil(opts.idleTimeoutMs / 1000));
    const aliases = new WeakMap<Request, Request>();
    const hooks: Hooks = {
      hold: (request, on) => server.timeout(request, on ? 0 : idleS),
      alias: (routed, request) => void aliases.set(routed, request),
    };
    const server = Bun.serve({
      port: opts.port,
      hostname: opts.hostname,
      fetch: (request: Request, srv: any) => throughDoor(request, srv.requestIP(request)?.address ?? "", opts, hooks),
      error: internalError,
      // Production error pages only, also in a compiled binary (where Bun would default to development)
      development: false,
      // Lectr enforces its own body limit with a clear 413 and an event; the runtime must not pre-empt it.
      maxRequestBodySize: opts.maxRequestBodySize,
      // Closes idle keep-alive connections. It would also cut a request in progress (Bun does not reset it
      // on traffic), so requests that may take minutes lift it (front-door.ts) and Lectr's own timeouts govern.
      idleTimeout: idleS,
    });
    return {
      port: server.port,
      hostname: server.hostname,
      stop: (force = false) => server.stop(force),
      pending: () => server.pendingRequests,
      clientIp: (request) => server.requestIP(aliases.get(request) ?? request)?.address ?? "",
    };
  }
  if (runtimeName === "deno") {
    // onListen replaces Deno's own "Listening on" line; Lectr logs its own.
    const peers = new WeakMap<Request, string>();
    const denoHooks: Hooks = { hold: () => {}, alias: (routed, request) => void peers.set(routed, peers.get(request) ?? "") };
    const server = Deno.serve({ port: opts.port, hostname: opts.hostname, onListen: () => {}, onError: internalError }, (request: Request, info: any) => {
      const peer = info?.remoteAddr?.hostname ?? "";
      peers.set(request, peer);
      return throughDoor(request, peer, opts, denoHooks);
    });
    let closing: Promise<void> | undefined;
    return {
      port: server.addr.port,
      hostname: server.addr.hostname,
      // Deno.serve can only shut down gracefully; a forced stop stops waiting
      // and leaves what is still open to the process exit that follows.
      stop: (force = false) => {
        closing ??= server.shutdown() as Promise<void>;
        return force ? Promise.resolve() : closing;
      },
      // Deno's graceful shutdown itself waits for responses to be written
      pending: () => 0,
      clientIp: (request) => peers.get(request) ?? "",
    };
  }
  throw new Error("Lectr runs on Bun or Deno");
}
