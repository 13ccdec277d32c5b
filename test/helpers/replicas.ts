/**
 * Replicas of Lectr as separate processes on one real libSQL server (sqld
 * with JWT auth), run from one folder with the default spool, so they also
 * share one spool root. `replicaHarness()` starts sqld and an OpenAI mock
 * for the calling test file and stops everything after it.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { startMockUpstream, type MockUpstream } from "./mock-upstream.ts";
import { root, spawnLectr, type LectrProcess } from "./process.ts";
import { startSqld, type Sqld } from "./sqld.ts";
import { silentZeroViolations } from "./event-audit.ts";

export interface Answer {
  status: number;
  id: string | null;
  code?: string;
  retryAfter?: string | null;
}

export async function chat(lectr: LectrProcess, key: string): Promise<Answer> {
  const r = await fetch(`${lectr.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": key, authorization: "Bearer sk-test-openai" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  const body = (await r.json()) as { error?: { code: string } };
  return { status: r.status, id: r.headers.get("x-lectr-request-id"), code: body.error?.code, retryAfter: r.headers.get("retry-after") };
}

/** SIGTERM all; all exit 0 within the 30 s grace period. */
export async function stopAll(replicas: LectrProcess[]) {
  for (const r of replicas) r.kill("SIGTERM");
  const codes = await Promise.race([Promise.all(replicas.map((r) => r.exited)), new Promise<"late">((r) => setTimeout(() => r("late"), 30_000))]);
  if (codes === "late") for (const r of replicas) r.kill("SIGKILL");
  expect(codes).toEqual(replicas.map(() => 0));
}

export interface ReplicaHarness {
  sqld: Sqld;
  mock: MockUpstream;
  /** The folder the replicas run from. */
  cwd: string;
  /** A client of the same database. */
  db: Client;
  /** Replicas from one folder on one database, each with its own URL form. */
  /** `env`: settings besides the database, the mock upstream and the sqld token. */
  startReplicas(urls: string[], env?: Record<string, string>): Promise<LectrProcess[]>;
  storedIds(): Promise<string[]>;
  /** Spool files left anywhere under the shared default spool root. */
  spooled(): string[];
}

export function replicaHarness(): ReplicaHarness {
  /** Every replica started, killed in afterAll should a test fail before stopping it. */
  const started: LectrProcess[] = [];
  const h = {
    async startReplicas(urls: string[], extra: Record<string, string> = {}) {
      const env = (url: string) => ({ ...extra, LECTR_DB_URL: url, LECTR_DB_AUTH_TOKEN: h.sqld.token, LECTR_OPENAI_BASE_URL: h.mock.baseUrl });
      const cmd = [process.execPath, join(root, "src/main.ts"), "serve"];
      const replicas = await Promise.all(urls.map((u) => spawnLectr(env(u), cmd, h.cwd)));
      started.push(...replicas);
      return replicas;
    },
    async storedIds() {
      return (await h.db.execute("SELECT id FROM events")).rows.map((r) => String(r.id));
    },
    spooled() {
      const list = (d: string) => {
        try {
          return readdirSync(d, { withFileTypes: true });
        } catch {
          return [];
        }
      };
      const dir = join(h.cwd, "lectr-spool");
      return list(dir)
        .flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)).map((f) => f.name) : [e.name]))
        // events waiting for the database; a running process's journal (journal-*.jsonl) is not a backlog
        .filter((f) => f.startsWith("events-") && f.endsWith(".jsonl"));
    },
  } as ReplicaHarness;
  beforeAll(async () => {
    [h.sqld, h.mock] = await Promise.all([startSqld(), startMockUpstream("openai")]);
    h.cwd = mkdtempSync(join(tmpdir(), "lectr-replicas-"));
    h.db = createClient({ url: h.sqld.url, authToken: h.sqld.token });
  });
  afterAll(async () => {
    for (const r of started) if (r.proc.exitCode === null) r.kill("SIGKILL");
    await Promise.all(started.map((r) => r.exited));
    const violations = await silentZeroViolations(h.db).finally(() => h.db.close());
    await Promise.all([h.sqld.stop(), h.mock.stop()]);
    rmSync(h.cwd, { recursive: true, force: true });
    expect(violations).toEqual([]);
  });
  return h;
}
