/**
 * The same source under Deno 2 (`deno` from npm), started the way the docs
 * say: `deno task start` to serve, `deno task lectr …` for the CLI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { root, spawnLectr } from "../helpers/process.ts";
import { expectedEvents, runSmoke } from "../helpers/smoke.ts";
import pkg from "../../package.json" with { type: "json" };
import { bundleDashboard } from "../../src/dashboard/bundle.ts";
import { securityHeaders } from "../../src/dashboard/serve.ts";
import { writePrebuilt } from "../../scripts/bundle-dashboard.ts";
import { openBrowser, signIn } from "../browser/harness.ts";

const deno = join(root, "node_modules/.bin/deno");
// Deno looks for a newer release in the background; there is nothing to find in a test.
const denoEnv = { DENO_NO_UPDATE_CHECK: "1" };

let dir: string;
let mock: MockUpstream;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lectr-deno-"));
  mock = await startMockUpstream("openai");
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lectr(dbPath: string, ...args: string[]) {
  const proc = Bun.spawn([deno, "task", "--quiet", "lectr", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LECTR_DB_URL: `file:${dbPath}`, ...denoEnv },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe("lectr on Deno", () => {
  test("deno task start: fresh database, bootstrap key, a plain and a streamed chat recorded, exit 0 on SIGTERM", async () => {
    const dbPath = join(dir, "serve.db");
    const run = await runSmoke({ cmd: [deno, "task", "start"], cwd: root, dbPath, mock, env: { LECTR_DB_URL: `file:${dbPath}`, ...denoEnv } });
    expect(run.key).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(run.chats.map((c) => c.status)).toEqual([200, 200]);
    expect(run.chats[1]!.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(run.exitCode).toBe(0);
    expect(run.events).toEqual(expectedEvents());
    expect(run.costBreakdown).toEqual({ requests: 2, totalCostUsd: expect.any(Number), providers: [{ provider: "OPENAI", requests: 2 }] });
    expect(run.costBreakdown.totalCostUsd).toBeGreaterThan(0);
  });

  test("the CLI: --version, orgs create and set-azure, keys create/list/revoke, prices", async () => {
    const dbPath = join(dir, "cli.db");
    expect(await lectr(dbPath, "--version")).toEqual({ stdout: `lectr ${pkg.version} (dev)\n`, stderr: "", code: 0 });
    const org = await lectr(dbPath, "orgs", "create", "acme");
    expect([org.code, org.stdout]).toEqual([0, expect.stringMatching(/^Created org "acme" \(id [0-9a-f-]{36}\)\.\nOrg key \(shown once, store it now\): lk_\S+\n$/)]);
    const azure = await lectr(dbPath, "orgs", "set-azure", "acme", "--endpoint", "https://127.0.0.1:8443", "--api-version", "2024-10-21", "--allow-private-upstreams");
    expect([azure.code, azure.stdout]).toEqual([0, 'Azure OpenAI for "acme": https://127.0.0.1:8443 (api-version 2024-10-21).\n']);
    const created = await lectr(dbPath, "keys", "create", "--org", "acme");
    const key = created.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!;
    expect((await lectr(dbPath, "keys", "revoke", key.slice(0, 11))).code).toBe(0);
    const listed = await lectr(dbPath, "keys", "list", "--org", "acme");
    expect([listed.code, listed.stdout.match(/active|revoked/g)]).toEqual([0, ["active", "revoked"]]);
    const prices = await lectr(dbPath, "prices", "--model", "gpt-4o-mini");
    expect([prices.code, prices.stdout.includes("gpt-4o-mini")]).toEqual([0, true]);
  });

  test("deno task start serves the same dashboard Bun bundles (made at install), with its headers", async () => {
    // what `npm install` does (postinstall): bundle ahead, for Deno
    await writePrebuilt();
    const dbPath = join(dir, "dashboard.db");
    const lectr = await spawnLectr({ LECTR_DB_URL: `file:${dbPath}`, ...denoEnv }, [deno, "task", "--quiet", "start"]);
    try {
      const fresh = await bundleDashboard();
      for (const file of fresh) {
        const r = await fetch(`${lectr.url}${file.path}`);
        expect({ path: file.path, status: r.status, type: r.headers.get("content-type"), csp: r.headers.get("content-security-policy"), body: await r.text() }).toEqual({
          path: file.path,
          status: 200,
          type: file.type,
          csp: securityHeaders["content-security-policy"],
          body: file.body,
        });
      }
      // and in a browser: signed in with the bootstrap key, the overview draws, nothing leaves loopback
      await using b = await openBrowser();
      await signIn(b.page, lectr.url, lectr.key!);
      await b.page.getByRole("heading", { name: "No requests yet" }).waitFor();
      expect([b.pageErrors, b.offLoopback]).toEqual([[], []]);
    } finally {
      lectr.kill("SIGTERM");
      expect(await lectr.exited).toBe(0);
    }
  });
});
