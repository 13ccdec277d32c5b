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

/** Simultaneous upstream requests a Bun process may have in flight. */
export const fetchConcurrency = "65535";

/**
 * Bun lets one process run only 256 fetches at once (the rest queue) unless
 * BUN_CONFIG_MAX_HTTP_REQUESTS is in its environment when it starts; setting
 * it later has no effect (oven-sh/bun#12214). A gateway holding thousands of
 * streams needs far more, so when it is missing Lectr starts itself again
 * with it set and stays as a thin parent that forwards signals and the exit
 * code. Returns the child's exit code, or undefined when no relaunch was needed.
 */
export async function relaunchWithFetchConcurrency(): Promise<number | undefined> {
  if (runtimeName !== "bun" || process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return undefined;
  // a compiled binary's argv[1] is its embedded entry point, not an argument to pass on
  const compiled = process.argv[1]?.startsWith("/$bunfs/") ?? false;
  const args = compiled ? process.argv.slice(2) : [...process.execArgv, ...process.argv.slice(1)];
  const child = Bun.spawn([process.execPath, ...args], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: fetchConcurrency, LECTR_PARENT_PID: String(process.pid) },
    stdio: ["inherit", "inherit", "inherit"],
  });
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => child.kill(sig));
  return await child.exited;
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
