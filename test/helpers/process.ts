/** Runs the real `lectr` entry point as a child process, as a user would. */
import { join } from "node:path";
import { waitFor } from "./wait-for.ts";

export const root = join(import.meta.dir, "../..");

export interface LectrProcess {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
  /** The bootstrap key, when the process printed one. */
  key: string | undefined;
  /** stdout so far, line by line. */
  lines: string[];
  stderr(): Promise<string>;
  exited: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `cmd` (default: bun src/main.ts serve) and waits for the "listening" log line. */
/** An env value of undefined removes that variable. */
export async function spawnLectr(env: Record<string, string | undefined>, cmd: string[] = [process.execPath, join(root, "src/main.ts"), "serve"], cwd = root): Promise<LectrProcess> {
  const proc = Bun.spawn(cmd, {
    cwd,
    // BUN_CONFIG_MAX_HTTP_REQUESTS set: the process serves directly instead of relaunching itself (test/e2e/relaunch.test.ts covers that)
    env: Object.fromEntries(
      Object.entries({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LECTR_PORT: "0", LECTR_HOST: "127.0.0.1", BUN_CONFIG_MAX_HTTP_REQUESTS: "65535", ...env }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let url: string | undefined;
  let key: string | undefined;
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        key ??= line.match(/^Org key for "default": (lk_\S+)$/)?.[1];
        if (line.includes('"msg":"listening"')) url ??= (JSON.parse(line) as { url: string }).url;
      }
    }
  })();
  // The key line, when there is one, comes in the same write as the listening line (src/cli/run.ts).
  const started = await waitFor(() => url !== undefined || proc.exitCode !== null, { timeoutMs: 15_000 }).catch(() => false);
  if (!started || url === undefined) {
    proc.kill("SIGKILL");
    throw new Error(`lectr did not start: ${lines.join("\n")}\n${await new Response(proc.stderr as ReadableStream).text()}`);
  }
  return {
    proc,
    url,
    get key() {
      return key;
    },
    lines,
    stderr: () => new Response(proc.stderr as ReadableStream).text(),
    exited: proc.exited.then(async (code) => {
      await pump;
      return code;
    }),
    kill: (signal = "SIGTERM") => proc.kill(signal),
  };
}
