/**
 * The only module that knows whether it runs on Bun or Deno: serving, env,
 * files, signals and exit. Everything else calls these.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";

declare const Deno: any;
declare const Bun: any;

export const runtimeName: "bun" | "deno" | "node" =
  typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";

export interface Served {
  port: number;
  hostname: string;
  /** Stop accepting new connections; resolves when in-flight requests are done (or force closes them). */
  stop(force?: boolean): Promise<void>;
  /** The peer address of a request being served ("" when unknown); looked up only when asked. */
  clientIp(request: Request): string;
}

export interface ServeOptions {
  port: number;
  hostname: string;
  fetch: (request: Request) => Response | Promise<Response>;
  maxRequestBodySize?: number;
}

export function serve(opts: ServeOptions): Served {
  if (runtimeName === "bun") {
    const server = Bun.serve({
      port: opts.port,
      hostname: opts.hostname,
      fetch: opts.fetch,
      // Lectr enforces its own body limit with a clear 413 and an event; the runtime must not pre-empt it.
      maxRequestBodySize: opts.maxRequestBodySize,
      // LLM calls can think for minutes before the first byte; Lectr's own timeouts govern.
      idleTimeout: 0,
    });
    return {
      port: server.port,
      hostname: server.hostname,
      stop: (force = false) => server.stop(force),
      clientIp: (request) => server.requestIP(request)?.address ?? "",
    };
  }
  if (runtimeName === "deno") {
    // onListen replaces Deno's own "Listening on" line; Lectr logs its own.
    const peers = new WeakMap<Request, string>();
    const server = Deno.serve({ port: opts.port, hostname: opts.hostname, onListen: () => {} }, (request: Request, info: any) => {
      peers.set(request, info?.remoteAddr?.hostname ?? "");
      return opts.fetch(request);
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
