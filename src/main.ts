/**
 * Entry point of `lectr` (the binary, `npm start`, `deno task start`).
 * Deliberately light: when `serve` must relaunch itself (see
 * relaunchWithFetchConcurrency), the parent that stays behind has loaded
 * nothing but this file, the argument parser and the runtime module.
 */
import { parseArgs } from "./config.ts";
import { argv, exit, relaunchWithFetchConcurrency } from "./runtime.ts";

const { positional, flags } = parseArgs(argv());
const serving = (positional.length === 0 || positional[0] === "serve") && !flags.help && !flags.version;
const relaunched = serving ? await relaunchWithFetchConcurrency() : undefined;
if (relaunched !== undefined) exit(relaunched);
const { run } = await import("./cli/run.ts");
await run();
