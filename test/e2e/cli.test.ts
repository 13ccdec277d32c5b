/**
 * The CLI: its commands run in this process (`runCli`, the function behind
 * `bun src/main.ts …`), and the entry point as a user runs it exits with
 * their codes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { root } from "../helpers/process.ts";
import { runCli } from "../../src/cli/run.ts";
import pkg from "../../package.json" with { type: "json" };

let dir: string;
let dbUrl: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lectr-cli-"));
  dbUrl = `file:${join(dir, "lectr.db")}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ PATH: process.env.PATH ?? "", LECTR_DB_URL: dbUrl, LECTR_ALLOW_PRIVATE_UPSTREAMS: "false" });

async function lectr(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({ argv: args, env: env(), out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { stdout, stderr, code };
}

/** The entry point in a process of its own. */
async function spawned(...args: string[]) {
  const proc = Bun.spawn([process.execPath, join(root, "src/main.ts"), ...args], { env: env(), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe("lectr CLI", () => {
  let key = "";
  test("--version and --help", async () => {
    const v = await lectr("--version");
    expect([v.code, v.stdout]).toEqual([0, `lectr ${pkg.version} (dev)\n`]);
    const h = await lectr("--help");
    expect(h.code).toBe(0);
    for (const word of ["orgs create", "orgs set-azure", "keys create", "keys list", "keys revoke", "prices", "LECTR_DB_URL", "--port"]) {
      expect(h.stdout).toContain(word);
    }
  });

  test("orgs create prints the id and a key once; only its hash is stored", async () => {
    const r = await lectr("orgs", "create", "acme");
    expect(r.code).toBe(0);
    key = r.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!;
    expect(r.stdout).toMatch(/Created org "acme" \(id [0-9a-f-]{36}\)/);
    const client = createClient({ url: dbUrl });
    const rows = (await client.execute("SELECT * FROM api_keys")).rows;
    client.close();
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(String(rows[0]!.key_hash)).toBe(new Bun.CryptoHasher("sha256").update(key).digest("hex"));
    expect((await lectr("orgs", "create", "acme")).stderr).toContain("already exists");
  });

  test("keys create, list and revoke", async () => {
    const created = await lectr("keys", "create", "--org", "acme");
    expect(created.code).toBe(0);
    const second = created.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!;
    const list = await lectr("keys", "list", "--org", "acme");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(key.slice(0, 11));
    expect(list.stdout).toContain(second.slice(0, 11));
    expect(list.stdout).not.toContain(key);
    expect(list.stdout.match(/active/g)?.length).toBe(2);
    const revoked = await lectr("keys", "revoke", second.slice(0, 11));
    expect([revoked.code, revoked.stdout]).toEqual([0, expect.stringContaining("Revoked key")]);
    expect((await lectr("keys", "list", "--org", "acme")).stdout.match(/revoked/g)?.length).toBe(1);
    expect((await lectr("keys", "revoke", second.slice(0, 11))).code).toBe(2);
  });

  test("keys have names: create takes one, rename sets one, list shows them; a bad name exits 2", async () => {
    const named = await lectr("keys", "create", "--org", "acme", "--scope", "proxy", "--name", "billing-service");
    expect([named.code, named.stdout]).toEqual([0, expect.stringContaining('New proxy key "billing-service" for "acme"')]);
    const prefix = named.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!.slice(0, 11);
    const renamed = await lectr("keys", "rename", prefix, "team", "search");
    expect([renamed.code, renamed.stdout]).toEqual([0, `Key ${prefix}… is now "team search".\n`]);
    const list = (await lectr("keys", "list", "--org", "acme")).stdout;
    expect(list.split("\n")[0]).toMatch(/^PREFIX +NAME +SCOPE/);
    expect(list.split("\n").find((l) => l.startsWith(prefix))).toMatch(new RegExp(`^${prefix} +team search +proxy`));
    const tooLong = await lectr("keys", "rename", prefix, "x".repeat(65));
    expect([tooLong.code, tooLong.stderr]).toEqual([2, expect.stringContaining("A key name is at most 64 characters.")]);
    expect((await lectr("keys", "rename", prefix)).code).toBe(2);
  });

  test("keys have a scope: create takes one (admin by default), list shows it, a wrong one exits 2", async () => {
    const read = await lectr("keys", "create", "--org", "acme", "--scope", "read");
    expect([read.code, read.stdout]).toEqual([0, expect.stringContaining('New read key for "acme"')]);
    const prefix = read.stdout.match(/(lk_[A-Za-z0-9_-]{43})/)![1]!.slice(0, 11);
    const list = (await lectr("keys", "list", "--org", "acme")).stdout.split("\n");
    expect(list[0]).toMatch(/^PREFIX\s+NAME\s+SCOPE\s+CREATED\s+LAST USED\s+STATUS$/);
    // unnamed keys show "-" for a name
    expect(list.find((line) => line.startsWith(prefix))).toMatch(/^lk_\S+\s+-\s+read\s/);
    // the org's first key, made without a scope
    expect(list.filter((line) => /^lk_\S+\s+-\s+admin\s/.test(line)).length).toBeGreaterThanOrEqual(1);
    const bad = await lectr("keys", "create", "--org", "acme", "--scope", "root");
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("proxy, read, admin")]);
  });

  test("orgs set-azure validates like the proxy", async () => {
    expect((await lectr("orgs", "set-azure", "acme", "--endpoint", "http://acme.openai.azure.com", "--api-version", "2024-10-21")).stderr).toContain("https");
    expect((await lectr("orgs", "set-azure", "acme", "--endpoint", "https://127.0.0.1", "--api-version", "2024-10-21")).stderr).toContain("private");
    expect((await lectr("orgs", "set-azure", "acme", "--endpoint", "https://10.0.0.1", "--api-version", "bogus")).code).toBe(2);
    const ok = await lectr("orgs", "set-azure", "acme", "--endpoint", "https://127.0.0.1:8443/prefix/", "--api-version", "2024-10-21", "--allow-private-upstreams");
    expect([ok.code, ok.stdout]).toEqual([0, 'Azure OpenAI for "acme": https://127.0.0.1:8443/prefix (api-version 2024-10-21).\n']);
  });

  test("prices prints the registry with sources", async () => {
    const all = await lectr("prices");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("claude-3-5-sonnet-20241022");
    expect(all.stdout).toContain("genai-prices");
    const one = await lectr("prices", "--model", "gpt-4o-mini");
    expect(one.stdout).toContain("gpt-4o-mini");
    expect(one.stdout).not.toContain("claude");
  });

  test("a mistyped flag exits 2 listing the valid ones instead of being ignored", async () => {
    const r = await lectr("--prot", "9000");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("Unknown option '--prot'");
    expect(r.stderr).toContain("--port");
    const misplaced = await lectr("keys", "list", "--org", "acme", "--endpoint", "https://x");
    expect([misplaced.code, misplaced.stderr]).toEqual([2, expect.stringContaining('"keys list" does not take --endpoint')]);
    const badValue = await lectr("--port", "abc");
    expect([badValue.code, badValue.stderr]).toEqual([2, expect.stringContaining("LECTR_PORT must be an integer")]);
  });

  test("an unknown command exits 2 with a hint", async () => {
    const r = await lectr("frobnicate");
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("lectr --help")]);
  });

  test("the entry point prints what the command prints and exits with its code", async () => {
    const v = await spawned("--version");
    expect([v.code, v.stdout]).toEqual([0, `lectr ${pkg.version} (dev)\n`]);
    const created = await spawned("orgs", "create", "spawned");
    expect([created.code, created.stdout]).toEqual([0, expect.stringMatching(/Created org "spawned"/)]);
    const bad = await spawned("--prot", "9000");
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, "", expect.stringContaining("Unknown option '--prot'")]);
  });
});
