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
import { bufferedWriter, createLogger } from "../lib/log.ts";
import { argv, env, exit, onShutdownSignal, watchParent, writeStderr, writeStdout } from "../runtime.ts";
import { startServer } from "../server.ts";
import { commit, version } from "../version.ts";

async function main(): Promise<number> {
  const { positional, flags } = parseArgs(argv());
  if (flags.version) {
    writeStdout(`lectr ${version} (${commit})\n`);
    return 0;
  }
  if (flags.help || positional[0] === "help") {
    writeStdout(helpText(version));
    return 0;
  }
  const config = loadConfig(env(), flags);
  const name = positional.slice(0, 2).join(" ");
  const command = commands[name] ?? commands[positional[0] ?? ""];

  if (positional.length === 0 || positional[0] === "serve") {
    const out = bufferedWriter(writeStdout);
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
    writeStderr(`Unknown command "${positional.join(" ")}". Run lectr --help.\n`);
    return 2;
  }
  const words = positional.slice(commands[name] ? 2 : 1);
  const database = await openDatabase(config.dbUrl, config.dbAuthToken);
  try {
    await migrate(database.client);
    writeStdout(await command(database, words, flags, config));
    return 0;
  } finally {
    database.close();
  }
}

/** Runs the CLI to completion and exits with its code. */
export function run(): Promise<never> {
  return main().then(
    (code) => exit(code),
    (err: unknown) => {
      if (err instanceof UsageError || err instanceof OrgError || err instanceof ConfigError) {
        writeStderr(`${err.message}\n`);
        exit(2);
      }
      writeStderr(`lectr: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      exit(1);
    },
  );
}
