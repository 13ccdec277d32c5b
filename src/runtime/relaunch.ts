import { runtimeName } from "./name.ts";

declare const Bun: any;

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
