/**
 * The single binary as a user gets it. It is built fresh (the build takes a
 * second or two) from a copy of the source that is deleted before the binary
 * runs, so nothing it needs can come from the build machine's folders, then
 * copied alone into an empty folder and run there.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, dashboardBudget, gitCommit, type BuildResult } from "../../scripts/build.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { root, spawnLectr } from "../helpers/process.ts";
import { rawRequest } from "../security/raw-http.ts";
import { expectedEvents, runSmoke } from "../helpers/smoke.ts";
import pkg from "../../package.json" with { type: "json" };

let dir: string;
let bin: string;
let mock: MockUpstream;
let built: BuildResult;
const commit = gitCommit();

beforeAll(async () => {
  const stage = mkdtempSync(join(tmpdir(), "lectr-build-"));
  try {
    for (const part of ["src", "migrations", "package.json", "tsconfig.json"]) cpSync(join(root, part), join(stage, part), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(stage, "node_modules"));
    built = await build({ root: stage, outfile: join(stage, "dist/lectr"), commit });
    dir = mkdtempSync(join(tmpdir(), "lectr-binary-"));
    bin = join(dir, "lectr");
    copyFileSync(join(stage, "dist/lectr"), bin);
    chmodSync(bin, 0o755);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  mock = await startMockUpstream("openai");
}, 60_000);

afterAll(async () => {
  await mock?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function lectr(...args: string[]) {
  const proc = Bun.spawn([bin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe("the lectr binary, alone in an empty folder", () => {
  test("migrates a fresh lectr.db, prints the bootstrap key, proxies and records a plain and a streamed chat, exits 0 on SIGTERM", async () => {
    expect(readdirSync(dir)).toEqual(["lectr"]);
    // without BUN_CONFIG_MAX_HTTP_REQUESTS, as a user starts it: the binary relaunches itself with it
    const run = await runSmoke({ cmd: [bin], cwd: dir, dbPath: join(dir, "lectr.db"), mock, env: { BUN_CONFIG_MAX_HTTP_REQUESTS: undefined } });
    expect(run.key).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(run.chats.map((c) => c.status)).toEqual([200, 200]);
    expect(JSON.parse(run.chats[0]!.text).object).toBe("chat.completion");
    expect(run.chats[1]!.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(run.exitCode).toBe(0);
    expect(run.events).toEqual(expectedEvents());
    expect(run.costBreakdown).toEqual({ requests: 2, totalCostUsd: expect.any(Number), providers: [{ provider: "OPENAI", requests: 2 }] });
    expect(run.costBreakdown.totalCostUsd).toBeGreaterThan(0);
    expect(run.events.every((e) => (e.cost_usd as number) > 0)).toBe(true);
  });

  test("serves the dashboard from memory: its page, script and stylesheet, gzipped on request, under the budget, with a strict CSP", async () => {
    const lectr = await spawnLectr({ LECTR_DB_URL: `file:${join(dir, "dash.db")}` }, [bin, "serve"], dir);
    try {
      const page = await fetch(`${lectr.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.sort()).toEqual(["/assets/app.css", "/assets/app.js"]);
      expect(html).not.toMatch(/<script>|<style|style=/);
      let gzipped = 0;
      for (const path of assets) {
        const res = await fetch(`${lectr.url}${path}`, { headers: { "accept-encoding": "gzip" }, decompress: false });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-encoding")).toBe("gzip");
        const body = new Uint8Array(await res.arrayBuffer());
        gzipped += body.byteLength;
        const text = new TextDecoder().decode(Bun.gunzipSync(body));
        expect(text.length).toBeGreaterThan(1000);
        // nothing is fetched from another origin
        expect(text).not.toMatch(/https?:\/\/(unpkg|cdn|fonts)\./);
      }
      expect(gzipped).toBe(built.dashboard.files.filter((f) => f.path !== "/").reduce((n, f) => n + f.bytes, 0));
      expect(built.dashboard.total).toBeLessThanOrEqual(dashboardBudget);
    } finally {
      lectr.kill("SIGKILL");
      await lectr.exited;
    }
  });

  test("--version names the package version and the commit it was built from", async () => {
    expect(await lectr("--version")).toEqual({ stdout: `lectr ${pkg.version} (${commit})\n`, stderr: "", code: 0 });
    expect(commit).toMatch(/^[0-9a-f]{7,}$/);
  });

  test("every CLI command works", async () => {
    const help = await lectr("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("keys revoke");

    const org = await lectr("orgs", "create", "acme");
    expect(org).toEqual({ stdout: expect.stringMatching(/^Created org "acme" \(id [0-9a-f-]{36}\)\.\nOrg key \(shown once, store it now\): lk_\S+\n$/), stderr: "", code: 0 });

    const azure = await lectr("orgs", "set-azure", "acme", "--endpoint", "https://127.0.0.1:8443", "--api-version", "2024-10-21", "--allow-private-upstreams");
    expect(azure).toEqual({ stdout: 'Azure OpenAI for "acme": https://127.0.0.1:8443 (api-version 2024-10-21).\n', stderr: "", code: 0 });

    const created = await lectr("keys", "create", "--org", "acme");
    expect(created.code).toBe(0);
    const key = created.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!;

    const listed = await lectr("keys", "list", "--org", "acme");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key.slice(0, 11));
    expect(listed.stdout.match(/active/g)?.length).toBe(2);

    expect(await lectr("keys", "revoke", key.slice(0, 11))).toEqual({ stdout: expect.stringContaining("Revoked key"), stderr: "", code: 0 });
    expect((await lectr("keys", "list", "--org", "acme")).stdout.match(/revoked/g)?.length).toBe(1);

    const prices = await lectr("prices", "--model", "gpt-4o-mini");
    expect(prices.code).toBe(0);
    expect(prices.stdout).toContain("gpt-4o-mini");
    expect(prices.stdout).not.toContain("claude");

    expect((await lectr("frobnicate")).code).toBe(2);
  });

  test("production error pages only: a bad Host, a short Host and unknown paths get JSON, never a page with source lines", async () => {
    const run = await spawnLectr({ LECTR_DB_URL: `file:${join(dir, "hosts.db")}` }, [bin], dir);
    try {
      const port = Number(new URL(run.url).port);
      const ask = (method: string, path: string, host: string) =>
        rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      const answers = [
        await ask("GET", "/nope", "a/b"),
        await ask("POST", "/graphql", "a/b"),
        await ask("GET", "/v1/models", "x@y"),
        await ask("GET", "/nope", "a"),
        await ask("GET", "/healthz", "ab"),
      ];
      expect(answers.map((a) => [a.status, a.headers["content-type"]?.split(";")[0]])).toEqual([
        [400, "application/json"],
        [400, "application/json"],
        [400, "application/json"],
        [404, "application/json"],
        [200, "application/json"],
      ]);
      for (const a of answers) expect(a.body).not.toMatch(/<html|<!doctype|<script|\.ts:\d|\/src\/|\$bunfs|Bun v\d/i);
    } finally {
      run.kill("SIGTERM");
      await run.exited;
    }
  });
});
