/**
 * The things measured side by side, each started fresh per round, pinned to
 * the proxy core and pointed at the same mock. A target knows how to start,
 * which headers its requests need, and how the paced mock is reached through it.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, freePort, start, waitForHttp, waitForLine, type Started } from "./proc.ts";
import { processTree, servingPid } from "./procfs.ts";
import { ensurePortkey } from "./portkey.ts";

export const root = join(import.meta.dir, "..", "..");
export const binaryPath = join(root, "dist", "lectr");
/** The mock upstream (bench/mock.ts) as its own process pinned to `cpus`; resolves once it listens. */
export async function startMockProcess(o: { cpus: string; log: string }): Promise<{ mock: Started; mockUrl: string }> {
  const port = freePort();
  const mock = start({ name: "mock", cmd: [process.execPath, join(root, "bench/mock.ts"), "--port", String(port)], cpus: o.cpus, cwd: root, log: o.log });
  try {
    await waitForLine(mock, /mock listening on (\d+)/);
  } catch (err) {
    await mock.stop();
    throw err;
  }
  return { mock, mockUrl: `http://127.0.0.1:${port}` };
}

/** The provider key every request carries; the mock never checks it. */
const providerKey = "Bearer sk-bench-not-a-real-key";

export type TargetName = "direct" | "bun-hop" | "bun-floor" | "node-hop" | "lectr" | "lectr-bin" | "portkey";
export const allTargets: TargetName[] = ["direct", "bun-hop", "bun-floor", "node-hop", "lectr", "lectr-bin", "portkey"];

export interface Running {
  name: TargetName;
  /** Base URL requests go to (path /v1/chat/completions is added). */
  url: string;
  headers: Record<string, string>;
  /** The process serving the port (the mock itself for `direct`); a thin relaunch parent is not it. */
  pid: number;
  /** Every process of the target, its relaunch parent included: CPU is counted over all of them. */
  tree(): number[];
  /** How a paced stream (`delayMs` per chunk) is requested through this target. */
  paced(delayMs: number): { path: string; headers: Record<string, string> };
  /** Lectr only: its database file. */
  dbPath?: string;
  stop(): Promise<void>;
}

export interface StartContext {
  mockUrl: string;
  mockPid: number;
  cpus: string;
  dir: string;
  /** Extra env for Lectr (e.g. BUN_CONFIG_MAX_HTTP_REQUESTS for the open-streams test). */
  lectrEnv?: Record<string, string>;
  /** Extra arguments before `serve` for Lectr from source (e.g. --cpu-prof). */
  bunArgs?: string[];
  /** The Lectr source tree to run (default: this one), e.g. a git worktree of another commit for an A/B. */
  lectrRoot?: string;
}

/** Why a target cannot run here, or undefined when it can. */
export async function unavailable(name: TargetName): Promise<string | undefined> {
  if (name === "lectr-bin" && !existsSync(binaryPath)) return "not built (npm run build)";
  if (name === "portkey") {
    const pk = await ensurePortkey();
    if (!pk.ok) return pk.reason;
  }
  return undefined;
}

const chat = "/v1/chat/completions";
/** The mock reads the pace from the query, which every target but Portkey forwards. */
const byQuery = (headers: Record<string, string>) => (delayMs: number) => ({ path: `${chat}?chunk_delay_ms=${delayMs}`, headers });

export async function startTarget(name: TargetName, ctx: StartContext): Promise<Running> {
  // a folder per start: a fresh database (so Lectr bootstraps and prints its key) and its own logs
  const dir = mkdtempSync(join(ctx.dir, `${name}-`));
  const log = join(dir, `${name}.log`);
  const plain = { authorization: providerKey };
  switch (name) {
    case "direct":
      return { name, url: ctx.mockUrl, headers: plain, pid: ctx.mockPid, tree: () => [ctx.mockPid], paced: byQuery(plain), stop: async () => {} };
    case "bun-hop":
    case "bun-floor":
    case "node-hop": {
      const port = freePort();
      const cmd = name === "node-hop" ? ["node", join(root, "bench/hops/node-hop.mjs")] : [process.execPath, join(root, `bench/hops/${name}.ts`)];
      const s = start({ name, cmd, cpus: ctx.cpus, cwd: root, env: cleanEnv({ UPSTREAM: ctx.mockUrl, PORT: String(port) }), log });
      await waitForLine(s, /listening on (\d+)/);
      return { name, url: `http://127.0.0.1:${port}`, headers: plain, ...processes(s, port), paced: byQuery(plain) };
    }
    case "lectr":
    case "lectr-bin": {
      const port = freePort();
      const dbPath = join(dir, "lectr.db");
      // a flag before `serve`, so that a `pkill -f "src/main.ts serve"` in someone's shell loop does not take down the process being measured
      const args = ["--host", "127.0.0.1", "serve"];
      const cmd = name === "lectr" ? [process.execPath, ...(ctx.bunArgs ?? []), join(ctx.lectrRoot ?? root, "src/main.ts"), ...args] : [binaryPath, ...args];
      const env = cleanEnv({
        LECTR_PORT: String(port),
        LECTR_HOST: "127.0.0.1",
        LECTR_DB_URL: `file:${dbPath}`,
        LECTR_OPENAI_BASE_URL: `${ctx.mockUrl}/v1`,
        LECTR_LOG_LEVEL: "info",
        ...ctx.lectrEnv,
      });
      const s = start({ name, cmd, cpus: ctx.cpus, cwd: dir, env, log });
      const key = await waitForLine(s, /Org key for "default": (lk_\S+)/);
      await waitForHttp(s, `http://127.0.0.1:${port}/healthz`);
      const headers = { ...plain, "x-lectr-key": key };
      return { name, url: `http://127.0.0.1:${port}`, headers, ...processes(s, port), paced: byQuery(headers), dbPath };
    }
    case "portkey": {
      const pk = await ensurePortkey();
      if (!pk.ok) throw new Error(pk.reason);
      const port = freePort();
      const s = start({
        name,
        // --headless: no log console UI; NODE_ENV=production as a deployment would run it
        cmd: ["node", pk.entry, `--port=${port}`, "--headless"],
        cpus: ctx.cpus,
        cwd: dir,
        env: cleanEnv({ NODE_ENV: "production" }),
        log,
      });
      await waitForHttp(s, `http://127.0.0.1:${port}/`);
      const headers = { ...plain, "x-portkey-provider": "openai", "x-portkey-custom-host": `${ctx.mockUrl}/v1` };
      // Portkey builds the upstream URL from the custom host and drops the query: pace by path instead
      const paced = (delayMs: number) => ({ path: chat, headers: { ...headers, "x-portkey-custom-host": `${ctx.mockUrl}/paced/${delayMs}/v1` } });
      return { name, url: `http://127.0.0.1:${port}`, headers, ...processes(s, port), paced };
    }
  }
}

function processes(s: Started, port: number): Pick<Running, "pid" | "tree" | "stop"> {
  return { pid: servingPid(s.pid, port), tree: () => processTree(s.pid), stop: () => s.stop() };
}
