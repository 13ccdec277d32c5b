/**
 * Which runtime Lectr runs on. The files of src/runtime/ are the only ones that
 * know whether it is Bun or Deno: serving, env, files, signals, exit, the
 * relaunch and direct streams. Everything else calls them.
 */
declare const Deno: unknown;
declare const Bun: unknown;

export const runtimeName: "bun" | "deno" | "node" =
  typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
