/** Key names through GraphQL: created with one, renamed by its own org (never another's), cleared with null, bounded. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createOrg } from "../../src/db/orgs.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-key-name-tests-0123456789";
let l: TestLectr;
let a: Gql;
let admin: Gql;
let orgB: string;

beforeAll(async () => {
  l = await startLectr({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  orgB = (await createOrg(l.lectr.database.db, "globex")).org.id;
  a = gqlClient(l, orgKey(l.key));
  admin = gqlClient(l, bearer(adminToken));
});

afterAll(() => l?.stop());

test("the admin creates a named key; its org renames it and clears the name", async () => {
  const created = await admin(`mutation($org: ID!) { createKey(orgId: $org, scope: READ, name: "  grafana  ") { keyRow: org { id } } }`, { org: l.orgId });
  expect(created.errors).toBeUndefined();
  const keys = async () => (await a(`{ org { keys { id name scope } } }`)).data.org.keys as { id: string; name: string | null; scope: string }[];
  const named = (await keys()).find((k) => k.scope === "READ")!;
  expect(named.name).toBe("grafana");
  const renamed = await a(`mutation($id: ID!) { renameKey(id: $id, name: "team-search") { id name } }`, { id: named.id });
  expect(renamed.data.renameKey).toEqual({ id: named.id, name: "team-search" });
  const cleared = await a(`mutation($id: ID!) { renameKey(id: $id, name: null) { name } }`, { id: named.id });
  expect(cleared.data.renameKey).toEqual({ name: null });
});

test("another org's key cannot be named; a name is 1 to 64 characters without control characters", async () => {
  const [bKey] = (await admin(`query($org: ID) { org(orgId: $org) { keys { id } } }`, { org: orgB })).data.org.keys;
  const foreign = await a(`mutation($id: ID!) { renameKey(id: $id, name: "mine now") { id } }`, { id: bKey.id });
  expect(foreign.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN" } });
  expect((await admin(`query($org: ID) { org(orgId: $org) { keys { name } } }`, { org: orgB })).data.org.keys[0].name).toBeNull();
  const [own] = (await a(`{ org { keys { id } } }`)).data.org.keys;
  for (const [name, message] of [
    ["x".repeat(65), "A key name is at most 64 characters."],
    ["   ", "A key name cannot be empty."],
    ["bad\nname", "A key name cannot hold control characters."],
  ]) {
    const r = await a(`mutation($id: ID!, $name: String) { renameKey(id: $id, name: $name) { id } }`, { id: own.id, name });
    expect(r.errors?.[0]).toMatchObject({ message, extensions: { code: "BAD_USER_INPUT" } });
  }
});
