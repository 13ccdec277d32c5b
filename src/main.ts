/**
 * Entry point of `lectr` (the binary, `npm start`, `deno task start`).
 * Deliberately light: when `serve` must relaunch itself (see
 * relaunchWithFetchConcurrency), the parent that stays behind has loaded
 * nothing but this file, the argument parser and the runtime module.
 */
import { parseArgs } from "./config.ts";
import { secretsOutOfArgv } from "./config-secrets.ts";
import { argv, exit } from "./runtime/process.ts";
import { relaunchWithFetchConcurrency } from "./runtime/relaunch.ts";

// Bad arguments are reported by the CLI itself (exit 2); only a clean `serve` relaunches.
const parsed = (() => {
  try {
    return parseArgs(argv());
  } catch {
    return undefined;
  }
})();
const serving = parsed !== undefined && (parsed.positional.length === 0 || parsed.positional[0] === "serve") && !parsed.flags.help && !parsed.flags.version;
const relaunched = serving ? await relaunchWithFetchConcurrency(secretsOutOfArgv(argv())) : undefined;
if (relaunched !== undefined) exit(relaunched);
const { run } = await import("./cli/run.ts");
await run();
