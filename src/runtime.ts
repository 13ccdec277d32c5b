/**
 * The only module that knows whether it runs on Bun or Deno: serving, env,
 * files, signals and exit. Everything else calls these.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import type { FrontDoor } from "./http/front-door.ts";
import { internalErrorResponse as internalError } from "./http/errors.ts";

declare const Deno: any;
declare const Bun: any;

export const runtimeName: "bun" | "deno" | "node" =
  typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";

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
  /** Checks every request before `fetch` sees it (src/front-door.ts). */
  door: FrontDoor;
  /** An idle keep-alive connection, or a request the door did not mark long, is closed after this. */
  idleTimeoutMs: number;
}

/** What the runtime does for `admitted`, made once per server so that a request allocates no callbacks for it. */
interface Hooks {
  /** `true` lifts the runtime's idle timer for a long request; `false` puts it back. */
  hold(request: Request, on: boolean): void;
  /** `routed` stands for `request` (its peer address is looked up by the original). */
  alias(routed: Request, request: Request): void;
}

/** Runs a request through the door and the handler. */
function admitted(request: Request, peer: string, opts: ServeOptions, hooks: Hooks): Response | Promise<Response> {
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
      fetch: (request: Request, srv: any) => admitted(request, srv.requestIP(request)?.address ?? "", opts, hooks),
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
      return admitted(request, peer, opts, denoHooks);
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

export function env(): Record<string, string | undefined> {
  if (runtimeName === "deno") return Deno.env.toObject();
  return process.env;
}

export function argv(): string[] {
  if (runtimeName === "deno") return [...Deno.args];
  return process.argv.slice(2);
}

export function onShutdownSignal(handler: (signal: string) => void): void {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    if (runtimeName === "deno") Deno.addSignalListener(sig, () => handler(sig));
    else process.on(sig, () => handler(sig));
  }
}

export function exit(code: number): never {
  if (runtimeName === "deno") Deno.exit(code);
  process.exit(code);
}

export function writeStdout(text: string): void {
  process.stdout.write(text);
}

export function writeStderr(text: string): void {
  process.stderr.write(text);
}

export const files = {
  exists: (path: string) => existsSync(path),
  readText: (path: string) => readFileSync(path, "utf8"),
  writeText: (path: string, text: string) => writeFileSync(path, text),
};

/** Simultaneous upstream requests a Bun process may have in flight. */
export const fetchConcurrency = "65535";

/**
 * Bun lets one process run only 256 fetches at once (the rest queue) unless
 * BUN_CONFIG_MAX_HTTP_REQUESTS is in its environment when it starts; setting
 * it later has no effect (oven-sh/bun#12214). A gateway holding thousands of
 * streams needs far more, so when it is missing Lectr starts itself again
 * with it set and stays as a thin parent that forwards signals and the exit
 * code. Returns the child's exit code, or undefined when no relaunch was needed.
 * `child` is the child's own arguments (after the entry point) and the
 * variables added to its environment.
 */
export async function relaunchWithFetchConcurrency(child: { args: string[]; env: Record<string, string> }): Promise<number | undefined> {
  if (runtimeName !== "bun" || process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return undefined;
  // a compiled binary's argv[1] is its embedded entry point, not an argument to pass on
  const compiled = process.argv[1]?.startsWith("/$bunfs/") ?? false;
  const args = compiled ? child.args : [...process.execArgv, process.argv[1]!, ...child.args];
  const spawned = Bun.spawn([process.execPath, ...args], {
    // secrets given as flags reach the child in its environment, which other users cannot read
    env: { ...process.env, ...child.env, BUN_CONFIG_MAX_HTTP_REQUESTS: fetchConcurrency, LECTR_PARENT_PID: String(process.pid) },
    stdio: ["inherit", "inherit", "inherit"],
  });
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => spawned.kill(sig));
  return await spawned.exited;
}

/**
 * In a relaunched process: calls `onOrphaned` if the parent disappears
 * (killed with SIGKILL, which it cannot forward), so no server outlives it.
 */
export function watchParent(onOrphaned: () => void): void {
  const parent = Number(env().LECTR_PARENT_PID);
  if (!parent || runtimeName !== "bun") return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, 500);
  (timer as { unref?: () => void }).unref?.();
}

/**
 * A response body produced chunk by chunk by `next` (null: the end; a throw
 * errors the body). On Bun a direct stream writes each chunk straight to the
 * socket, without the queue and promise per chunk of a standard stream.
 */
export function streamBody(next: () => Promise<Uint8Array[] | null>, cancel: () => void): ReadableStream<Uint8Array> {
  if (runtimeName === "bun") {
    return new ReadableStream({
      type: "direct",
      async pull(controller: { write(c: Uint8Array): number | Promise<number>; flush(): number | Promise<number>; close(error?: Error): void }) {
        for (;;) {
          const parts = await next();
          if (parts === null) return controller.close();
          // a number means written at once; a promise, the socket is full (backpressure)
          for (const part of parts) {
            const w = controller.write(part);
            if (typeof w !== "number") await w;
          }
          const f = controller.flush();
          if (typeof f !== "number") await f;
        }
      },
      cancel,
    } as unknown as UnderlyingDefaultSource<Uint8Array>);
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const parts = await next();
      if (parts === null) controller.close();
      else for (const part of parts) controller.enqueue(part);
    },
    cancel,
  });
}
