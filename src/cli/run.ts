/**
 * The CLI behind src/main.ts: dispatches the commands; `serve` runs until
 * SIGTERM/SIGINT, then drains.
 */
import { ConfigError, loadConfig, parseArgs } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { OrgError } from "../db/orgs.ts";
import { commands, UsageError } from "./commands.ts";
import { helpText } from "./help.ts";
import { ReconcileFailed } from "./reconcile.ts";
import { bufferedWriter, createLogger } from "../lib/log.ts";
import { argv, env, exit, onShutdownSignal, writeStderr, writeStdout } from "../runtime/process.ts";
import { watchParent } from "../runtime/watch-parent.ts";
import { startServer } from "../compose.ts";
import { commit, version } from "../version.ts";

/** Where a run of the CLI reads its arguments and environment and writes its output. */
export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
}

async function main(io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(io.argv);
  if (flags.version) {
    io.out(`lectr ${version} (${commit})\n`);
    return 0;
  }
  if (flags.help || positional[0] === "help") {
    io.out(helpText(version));
    return 0;
  }
  const config = loadConfig(io.env, flags);
  const name = positional.slice(0, 2).join(" ");
  const command = commands[name] ?? commands[positional[0] ?? ""];

  if (positional.length === 0 || positional[0] === "serve") {
    const out = bufferedWriter(io.out);
    const log = createLogger(config.logLevel, out.write);
    const lectr = await startServer(config, { log });
    // one write with the "listening" line: whoever reads stdout gets the key together with it
    if (lectr.bootstrap) out.write(`Org key for "default": ${lectr.bootstrap.key}\n`);
    out.flush();
    await new Promise<void>((resolve) => {
      const stop = (why: string) => {
        log.info("shutting down", { signal: why, inflight: lectr.inflight });
        lectr.shutdown().then(resolve, resolve);
      };
      onShutdownSignal(stop);
      watchParent(() => stop("parent exited"));
    });
    out.flush();
    return 0;
  }
  if (!command) {
    io.err(`Unknown command "${positional.join(" ")}". Run lectr --help.\n`);
    return 2;
  }
  const words = positional.slice(commands[name] ? 2 : 1);
  const database = await openDatabase(config.dbUrl, config.dbAuthToken);
  try {
    await migrate(database.client);
    io.out(await command(database, words, flags, config));
    return 0;
  } finally {
    database.close();
  }
}

/** Runs the CLI to completion and answers its exit code: 2 for a usage mistake, 1 for a failure. */
export function runCli(io: CliIo): Promise<number> {
  return main(io).catch((err: unknown) => {
    if (err instanceof ReconcileFailed) {
      io.out(err.message);
      return 1;
    }
    if (err instanceof UsageError || err instanceof OrgError || err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 2;
    }
    io.err(`lectr: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  });
}

/** The CLI of this process: its arguments, environment and standard streams; exits with the code. */
export function run(): Promise<never> {
  return runCli({ argv: argv(), env: env(), out: writeStdout, err: writeStderr }).then(exit);
}
