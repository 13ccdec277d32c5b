/**
 * Starts a real Lectr server for a test: a fresh file database in a temp
 * folder, port 0 on 127.0.0.1, logs captured in memory, an org and key ready.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Config } from "../../src/config.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startServer, type Lectr } from "../../src/compose.ts";
import type { ProviderId } from "../../src/providers/types.ts";
import { recentEvents } from "../../src/db/events.ts";
import { createClient } from "@libsql/client";
import { silentZeroViolations } from "./event-audit.ts";

export interface TestLectr {
  lectr: Lectr;
  url: string;
  key: string;
  orgId: string;
  dir: string;
  dbPath: string;
  logs: string[];
  /** A request to `path`, handled in this process without a socket: for tests that are not about the connection. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Every event recorded so far (after the recorder settled), newest first. */
  events(orgId?: string): ReturnType<typeof recentEvents>;
  /** Shuts down, then fails (throws) if any event recorded a silent $0 (helpers/event-audit.ts), then removes the folder. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startLectr(
  opts: {
    env?: Record<string, string>;
    baseUrls?: Partial<Record<Exclude<ProviderId, "azure">, string>>;
    config?: Partial<Config>;
    /** The clock the key cache ages by. */
    now?: () => number;
  } = {},
): Promise<TestLectr> {
  const dir = mkdtempSync(join(tmpdir(), "lectr-test-"));
  const dbPath = join(dir, "lectr.db");
  const base = loadConfig({ LECTR_DB_URL: `file:${dbPath}`, LECTR_PORT: "0", LECTR_HOST: "127.0.0.1", ...opts.env });
  const config: Config = {
    ...base,
    baseUrls: { ...base.baseUrls, ...opts.baseUrls },
    // fast flushes keep tests quick; behaviour is the same as the default
    flushIntervalMs: 20,
    ...opts.config,
  };
  const logs: string[] = [];
  const log = createLogger(config.logLevel, (line) => logs.push(line));
  const lectr = await startServer(config, { log, bootstrap: false, now: opts.now });
  const { org, key } = await createOrg(lectr.database.db, "acme");
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await lectr.shutdown();
    let violations: string[];
    // the database this server wrote to: the temp file, or the remote one a test pointed it at
    const db = createClient({ url: config.dbUrl, authToken: config.dbAuthToken });
    try {
      violations = await silentZeroViolations(db);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    if (violations.length > 0) throw new Error(`events recorded a silent $0:\n${violations.join("\n")}`);
  };
  return {
    lectr,
    url: lectr.url,
    key,
    orgId: org.id,
    dir,
    dbPath,
    logs,
    request: (path, init) => lectr.fetch(new Request(`${lectr.url}${path}`, init)),
    async events(orgId = org.id) {
      await lectr.recorder.settled();
      return recentEvents(lectr.database.db, orgId, 10_000);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
