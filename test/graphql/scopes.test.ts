/**
 * Key scopes: `proxy` calls providers, `read` runs queries, `admin` does both
 * and every mutation of its org. Checked per field in GraphQL and on /v1;
 * keys made before scopes existed become `admin`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { migrations } from "../../src/db/migrations.ts";
import { createKey, findKeyByHash } from "../../src/db/orgs.ts";
import { hashKey } from "../../src/lib/keys.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-scope-tests-0123";
let f: Fixture;
const keys = { proxy: "", read: "", admin: "" };
const ids = { proxy: "", read: "", admin: "" };
let as: Record<keyof typeof keys, Gql>;
let admin: Gql;

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  for (const scope of ["proxy", "read", "admin"] as const) {
    const { key, keyRow } = await createKey(f.lectr.lectr.database.db, f.lectr.orgId, { scope });
    keys[scope] = key;
    ids[scope] = keyRow.id;
  }
  as = { proxy: gqlClient(f.lectr, orgKey(keys.proxy)), read: gqlClient(f.lectr, orgKey(keys.read)), admin: gqlClient(f.lectr, orgKey(keys.admin)) };
  admin = gqlClient(f.lectr, bearer(adminToken));
});
afterAll(() => f.stop());

const queries = [
  `{ costBreakdown(period: { preset: LAST_7_DAYS }) { totalCostUsd } }`,
  `{ usageSeries(period: { preset: LAST_24_HOURS }, bucket: HOUR) { requests } }`,
  `{ events(first: 5) { edges { node { id } } } }`,
  `{ settings { azure { endpoint } } }`,
  `{ routingRules { id } }`,
  `{ modelPrices { id } }`,
];
const mutations = () => [
  `mutation { setAzureSettings(endpoint: "https://attacker.example", apiVersion: "2024-10-21") { azure { endpoint } } }`,
  `mutation { clearAzureSettings { azure { endpoint } } }`,
  `mutation { revokeKey(id: "${ids.admin}") { id } }`,
  `mutation { setModelPrice(provider: OPENAI, model: "gpt-4o", inputPerMTok: 0, outputPerMTok: 0) { id } }`,
  `mutation { createRoutingRule(input: { model: "gpt-4o", targetModel: "gpt-4o-mini" }) { id } }`,
  `mutation { reorderRoutingRules(ids: []) { id } }`,
];

describe("GraphQL, per field", () => {
  test("a read key runs every query and no mutation (the Azure endpoint stays where it was)", async () => {
    for (const q of queries) expect([q, (await as.read(q)).errors]).toEqual([q, undefined]);
    for (const m of mutations()) {
      const r = await as.read(m);
      expect([m, r.codes]).toEqual([m, ["FORBIDDEN"]]);
      expect(r.errors![0]!.message).toBe("This key has the read scope: changes need a key with the admin scope.");
    }
    const settings = await as.admin(`{ settings { azure { endpoint } } }`);
    expect(settings.data.settings.azure.endpoint).toBe(f.mocks.azure.baseUrl);
  });

  test("a proxy key gets FORBIDDEN on every field, queries and mutations", async () => {
    for (const q of [...queries, ...mutations()]) expect([q, (await as.proxy(q)).codes]).toEqual([q, ["FORBIDDEN"]]);
    const r = await as.proxy(`{ settings { azure { endpoint } } }`);
    expect(r.errors![0]!.message).toBe("This key has the proxy scope: queries need a key with the read or admin scope.");
  });

  test("an admin key reads and changes its org", async () => {
    expect((await as.admin(queries[0]!)).errors).toBeUndefined();
    const cleared = await as.admin(`mutation { clearAzureSettings { azure { endpoint } } }`);
    expect([cleared.errors, cleared.data.clearAzureSettings.azure]).toEqual([undefined, null]);
    const set = await as.admin(`mutation($e: String!) { setAzureSettings(endpoint: $e, apiVersion: "2024-10-21") { azure { endpoint } } }`, { e: f.mocks.azure.baseUrl });
    expect(set.errors).toBeUndefined();
  });

  test("fields for the whole installation need the admin token, whatever the key's scope", async () => {
    for (const [field, query] of [
      ["orgs", `{ orgs { id } }`],
      ["createOrg", `mutation { createOrg(name: "sneaky") { key } }`],
      ["createKey", `mutation { createKey(orgId: "${f.lectr.orgId}") { key } }`],
    ]) {
      const r = await as.admin(query!);
      expect([field, r.codes, r.errors![0]!.message]).toEqual([field, ["FORBIDDEN"], `${field} needs the admin token.`]);
    }
  });

  test("ApiKey.scope shows each key's scope; createKey takes one and defaults to ADMIN", async () => {
    const listed = await admin(`query($o: ID!) { settings(orgId: $o) { azure { endpoint } } orgs { id keys { id scope } } }`, { o: f.lectr.orgId });
    const mine = (listed.data.orgs as { id: string; keys: { id: string; scope: string }[] }[]).find((o) => o.id === f.lectr.orgId)!.keys;
    expect(Object.fromEntries(mine.filter((k) => Object.values(ids).includes(k.id)).map((k) => [k.id, k.scope]))).toEqual({
      [ids.proxy]: "PROXY",
      [ids.read]: "READ",
      [ids.admin]: "ADMIN",
    });
    const read = await admin(`mutation($o: ID!) { createKey(orgId: $o, scope: READ) { key apiKey { scope } } }`, { o: f.lectr.orgId });
    expect(read.data.createKey.apiKey.scope).toBe("READ");
    expect((await findKeyByHash(f.lectr.lectr.database.db, hashKey(read.data.createKey.key)))?.scope).toBe("read");
    const byDefault = await admin(`mutation($o: ID!) { createKey(orgId: $o) { apiKey { scope } } }`, { o: f.lectr.orgId });
    expect(byDefault.data.createKey.apiKey.scope).toBe("ADMIN");
  });
});

describe("/v1", () => {
  const chat = { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] };
  test("a read key gets 403 insufficient_scope, nothing reaches the provider, and one event records it", async () => {
    const before = f.mocks.openai.requests.length;
    const res = await f.post("/v1/chat/completions", chat, { "x-lectr-key": keys.read });
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    expect([res.status, body.error.type, body.error.code]).toEqual([403, "invalid_request_error", "insufficient_scope"]);
    expect(f.mocks.openai.requests.length).toBe(before);
    const events = (await f.lectr.events()).filter((e) => e.key_id === ids.read);
    expect(events.map((e) => [e.status, e.error_code, e.model])).toEqual([[403, "insufficient_scope", ""]]);
  });

  test("proxy and admin keys call providers", async () => {
    for (const scope of ["proxy", "admin"] as const) {
      const res = await f.post("/v1/chat/completions", chat, { "x-lectr-key": keys[scope] });
      expect([scope, res.status]).toEqual([scope, 200]);
      await res.text();
    }
  });
});

test("the migration makes every existing key admin", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lectr-scopes-"));
  try {
    const db = await openDatabase(`file:${join(dir, "old.db")}`);
    await migrate(db.client, migrations.filter((m) => m.name < "0003"));
    await db.client.execute("INSERT INTO orgs (id, name, created_at) VALUES ('o1', 'old', 1)");
    await db.client.execute("INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at) VALUES ('k1', 'o1', 'lk_old', 'h1', 1), ('k2', 'o1', 'lk_old2', 'h2', 2)");
    expect(await migrate(db.client)).toEqual(migrations.filter((m) => m.name >= "0003").map((m) => m.name));
    expect((await db.client.execute("SELECT id, scope FROM api_keys ORDER BY id")).rows.map((r) => [r.id, r.scope])).toEqual([
      ["k1", "admin"],
      ["k2", "admin"],
    ]);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
