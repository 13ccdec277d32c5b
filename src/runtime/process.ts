/** The process as each runtime exposes it: env, arguments, signals, exit and the standard streams. */
import { runtimeName } from "./name.ts";

declare const Deno: any;

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
