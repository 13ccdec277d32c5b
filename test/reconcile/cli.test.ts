/** `lectr reconcile …` in this process: the admin key from a _FILE, never argv; a run's table; a failed run exits 1. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/run.ts";
import { startAdminMock, type AdminMock } from "../helpers/mock/admin-apis.ts";
import { dayA, seedProviders } from "./scenario.ts";

const adminKey = "sk-admin-cli-0123456789abcdefghij";
let dir: string;
let mock: AdminMock;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lectr-reconcile-cli-"));
  writeFileSync(join(dir, "admin-key"), `${adminKey}\n`);
  mock = startAdminMock({ openai: adminKey, anthropic: "sk-ant-admin01-unused-000000000000" });
  seedProviders(mock);
  env = { LECTR_DB_URL: `file:${join(dir, "lectr.db")}`, LECTR_SECRETS_KEY: "b".repeat(64), LECTR_OPENAI_BASE_URL: `${mock.url}/v1`, LECTR_OPENAI_ADMIN_KEY_FILE: join(dir, "admin-key") };
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lectr(extraEnv: Record<string, string>, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({ argv, env: { ...env, ...extraEnv }, out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { stdout, stderr, code };
}

const day = new Date(dayA).toISOString().slice(0, 10);

describe("lectr reconcile", () => {
  test("off without LECTR_SECRETS_KEY, with the reason", async () => {
    expect((await lectr({}, "orgs", "create", "acme")).code).toBe(0);
    const off = await lectr({ LECTR_SECRETS_KEY: "" }, "reconcile", "set-key", "--org", "acme", "--provider", "openai");
    expect({ code: off.code, stderr: off.stderr }).toEqual({ code: 2, stderr: "Reconciliation is off: set LECTR_SECRETS_KEY (32 random bytes, hex or base64) so Lectr can store provider admin keys encrypted.\n" });
    const weak = await lectr({ LECTR_SECRETS_KEY: "hunter2" }, "reconcile", "set-key", "--org", "acme", "--provider", "openai");
    expect(weak.stderr).toContain("LECTR_SECRETS_KEY must be 32 random bytes");
    expect(weak.stderr).not.toContain("hunter2");
  });

  test("set-key reads the key from the _FILE; a run prints the day's rows", async () => {
    const set = await lectr({}, "reconcile", "set-key", "--org", "acme", "--provider", "openai");
    expect(set).toEqual({ code: 0, stdout: 'Stored the openai admin key for "acme", encrypted with LECTR_SECRETS_KEY.\n', stderr: "" });
    const src = await lectr({}, "reconcile", "sources", "--org", "acme", "--provider", "openai", "project:proj_app");
    expect(src.stdout).toBe('"acme" owns these openai sources: project:proj_app.\n');
    const run = await lectr({}, "reconcile", "--org", "acme", "--from", day, "--to", day);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^openai: ok, \d+ API calls$/);
    // nothing went through this Lectr: everything the provider billed is unseen
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ["DAY", "MODEL", "STATUS", "RECORDED", "BILLED", "UNSEEN", "DRIFT"],
      [day, "gpt-4o", "mismatched", "$0.0000", "$0.1540", "$0.1400", "$0.0140"],
      [day, "gpt-4o-mini", "mismatched", "$0.0000", "$0.0043", "$0.0043", "$0.0000"],
    ]);
    const twice = await lectr({}, "reconcile", "--org", "acme", "--from", day, "--to", day);
    expect(twice.stdout.split("\n").slice(1)).toEqual(run.stdout.split("\n").slice(1));
  });

  test("a refused key: exit 1 and the run's status", async () => {
    writeFileSync(join(dir, "admin-key"), "sk-admin-revoked-00000000000000\n");
    expect((await lectr({}, "reconcile", "set-key", "--org", "acme", "--provider", "openai")).code).toBe(0);
    const run = await lectr({}, "reconcile", "--org", "acme", "--from", day, "--to", day);
    expect(run.code).toBe(1);
    expect(run.stdout).toStartWith("openai: unauthorized (/organization/usage/completions: the provider refused the admin key (HTTP 401)");
  });
});
