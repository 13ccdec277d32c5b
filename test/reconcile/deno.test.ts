/** An admin key sealed by the CLI under Deno opens under Bun: the sealing is WebCrypto on both. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../helpers/process.ts";
import { openDatabase } from "../../src/db/client.ts";
import { findOrgByName } from "../../src/db/orgs.ts";
import { importSecretsKey, openSecret } from "../../src/reconcile/secrets.ts";
import { listSealedKeys } from "../../src/db/reconcile.ts";

const deno = join(root, "node_modules/.bin/deno");
const secretsKey = "0123456789abcdef".repeat(4);
const adminKey = "sk-admin-deno-0123456789abcdefghij";
let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "lectr-deno-reconcile-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lectr(...args: string[]) {
  const proc = Bun.spawn([deno, "task", "--quiet", "lectr", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DENO_NO_UPDATE_CHECK: "1", LECTR_DB_URL: `file:${join(dir, "lectr.db")}`, LECTR_SECRETS_KEY: secretsKey, LECTR_OPENAI_ADMIN_KEY: adminKey },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

test("lectr reconcile set-key under Deno; the sealed key opens under Bun and only for its org", async () => {
  expect((await lectr("orgs", "create", "acme")).code).toBe(0);
  expect(await lectr("reconcile", "set-key", "--org", "acme", "--provider", "openai")).toEqual({ code: 0, stdout: 'Stored the openai admin key for "acme", encrypted with LECTR_SECRETS_KEY.\n', stderr: "" });
  const db = await openDatabase(`file:${join(dir, "lectr.db")}`);
  try {
    const org = (await findOrgByName(db.db, "acme"))!;
    const [sealed] = await listSealedKeys(db.client);
    expect(sealed!.sealed).not.toContain(adminKey);
    const key = await importSecretsKey(secretsKey);
    if (!key.ok) throw new Error(key.error);
    expect(await openSecret(key.key, sealed!.sealed, org.id, "openai")).toBe(adminKey);
    expect(await openSecret(key.key, sealed!.sealed, "another-org", "openai")).toBeUndefined();
  } finally {
    db.close();
  }
}, 60_000);
