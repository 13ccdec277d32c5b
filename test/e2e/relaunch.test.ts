/**
 * Bun runs at most 256 fetches at once unless BUN_CONFIG_MAX_HTTP_REQUESTS is
 * set at start; `lectr serve` relaunches itself with it. Checked through a real
 * process: far more than 256 upstream requests in flight at once, signals
 * forwarded, and no server left behind when the parent is killed outright.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnLectr } from "../helpers/process.ts";

// The test runner's own fetch is capped at 256 in flight whatever the environment says; node:http is not.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function post(url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: "POST", agent, headers: { "x-lectr-key": key, "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    r.on("error", reject);
    r.end('{"model":"gpt-4o"}');
  });
}

let dir: string;
let inflight = 0;
let peak = 0;
let release: (() => void) | undefined;
let gate = new Promise<void>((r) => (release = r));
const mock = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(r) {
    await r.text();
    inflight++;
    peak = Math.max(peak, inflight);
    await gate;
    inflight--;
    return Response.json({ model: "gpt-4o", usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  },
});
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lectr-relaunch-"));
});
afterAll(() => {
  release?.();
  agent.destroy();
  mock.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const env = (db: string) => ({ LECTR_DB_URL: `file:${join(dir, db)}`, LECTR_OPENAI_BASE_URL: `http://127.0.0.1:${mock.port}/v1`, BUN_CONFIG_MAX_HTTP_REQUESTS: undefined });

test("600 requests reach the upstream at the same time; SIGTERM reaches the server through its parent", async () => {
  const lectr = await spawnLectr(env("a.db"));
  const sends = Array.from({ length: 600 }, () => post(`${lectr.url}/v1/chat/completions`, lectr.key!));
  await waitFor(() => inflight >= 600, { timeoutMs: 10_000 }).catch(() => {});
  expect(peak).toBe(600);
  release!();
  expect((await Promise.all(sends)).every((s) => s === 200)).toBe(true);
  lectr.kill("SIGTERM");
  expect(await lectr.exited).toBe(0);
  gate = new Promise<void>((r) => (release = r));
  release!();
});

test("when the parent is killed outright, the server goes too", async () => {
  const lectr = await spawnLectr(env("b.db"));
  expect((await fetch(`${lectr.url}/healthz`)).status).toBe(200);
  lectr.kill("SIGKILL");
  await lectr.exited;
  const down = await waitFor(() => fetch(`${lectr.url}/healthz`).then(() => false, () => true), { timeoutMs: 5_000, intervalMs: 50 }).catch(() => false);
  expect(down).toBe(true);
});

test("tokens given as flags reach the relaunched server through its environment, never its argv", async () => {
  const admin = "admin-token-given-as-a-flag-0123";
  const metrics = "metrics-token-given-as-a-flag-0123";
  const lectr = await spawnLectr(env("c.db"), [process.execPath, join(import.meta.dir, "../../src/main.ts"), "serve", "--admin-token", admin, `--metrics-token=${metrics}`, "--db-auth-token", "db-token-0123"]);
  // stopped even when an assertion below fails (the parent forwards SIGTERM to the server)
  await using _stopped = {
    async [Symbol.asyncDispose]() {
      if (lectr.proc.exitCode !== null) return;
      lectr.kill("SIGTERM");
      await lectr.exited;
    },
  };
  // the server is the parent's child; its command line is readable by every local user
  const children = readFileSync(`/proc/${lectr.proc.pid}/task/${lectr.proc.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  expect(children.length).toBe(1);
  const cmdline = readFileSync(`/proc/${children[0]}/cmdline`, "utf8");
  expect(cmdline).toContain("serve");
  for (const secret of [admin, metrics, "db-token-0123", "--admin-token", "--metrics-token", "--db-auth-token"]) expect(cmdline).not.toContain(secret);
  // and the server uses them: the metrics token guards /metrics, the admin token opens GraphQL
  expect((await fetch(`${lectr.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${lectr.url}/metrics`, { headers: { authorization: `Bearer ${metrics}` } })).status).toBe(200);
  const orgs = await fetch(`${lectr.url}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ query: "{ orgs { name } }" }),
  });
  expect(await orgs.json()).toEqual({ data: { orgs: [{ name: "default" }] } });
  lectr.kill("SIGTERM");
  expect(await lectr.exited).toBe(0);
});
