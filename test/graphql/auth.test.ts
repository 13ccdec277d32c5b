/**
 * Credentials and tenancy: who may call what, and that org A can never read
 * or change org B's data through any field, argument, filter or cursor.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOrg } from "../../src/db/orgs.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { startLectr } from "../helpers/lectr.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-tests-0123456789";
let f: Fixture;
let a: Gql;
let b: Gql;
let admin: Gql;
let orgA: string;
let orgB: string;
let keyB: string;
let keyBId: string;

const chat = (model: string) => ({ model, messages: [{ role: "user", content: "Hi" }] });
const ids = (r: { data: { events: { edges: { node: { id: string } }[] } } }) => r.data.events.edges.map((e) => e.node.id);

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  orgA = f.lectr.orgId;
  const created = await createOrg(f.lectr.lectr.database.db, "globex");
  orgB = created.org.id;
  keyB = created.key;
  keyBId = created.keyRow.id;
  a = gqlClient(f.lectr, orgKey(f.lectr.key));
  b = gqlClient(f.lectr, orgKey(keyB));
  admin = gqlClient(f.lectr, bearer(adminToken));
  // A uses gpt-4o and Groq; B uses gpt-4o-mini with its own feature tag
  await (await f.post("/v1/chat/completions", chat("gpt-4o"), { "x-lectr-feature": "a-only" })).text();
  await (await f.post("/v1/chat/completions", chat("llama-3.3-70b-versatile"), { authorization: `Bearer ${providerKeys.groq}` })).text();
  for (let i = 0; i < 3; i++) await (await f.post("/v1/chat/completions", chat("gpt-4o-mini"), { "x-lectr-key": keyB, "x-lectr-feature": "b-only" })).text();
  await f.lectr.lectr.recorder.settled();
});
afterAll(() => f.stop());

const anyQuery = `{ settings { azure { endpoint } } }`;

describe("401 UNAUTHENTICATED", () => {
  test.each([
    ["no credentials", {}],
    ["an empty key", { "x-lectr-key": "" }],
    ["a malformed key", { "x-lectr-key": "not-a-key" }],
    ["an unknown key", { "x-lectr-key": "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    ["a wrong admin token", bearer("not-the-admin-token")],
    ["a provider key as bearer", bearer(providerKeys.openai)],
  ])("%s", async (_name, headers) => {
    const r = await gqlClient(f.lectr, headers)(anyQuery);
    expect({ status: r.status, codes: r.codes, data: r.data }).toEqual({ status: 401, codes: ["UNAUTHENTICATED"], data: undefined });
  });

  test("also for mutations and for GET", async () => {
    const m = await gqlClient(f.lectr)(`mutation { createOrg(name: "x") { key } }`);
    expect([m.status, m.codes]).toEqual([401, ["UNAUTHENTICATED"]]);
    const res = await f.lectr.request(`/graphql?query=${encodeURIComponent(anyQuery)}`);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect([res.status, body.errors[0]!.extensions.code]).toEqual([401, "UNAUTHENTICATED"]);
  });

  test("the admin token is refused when LECTR_ADMIN_TOKEN is not set", async () => {
    await using off = await startLectr();
    const r = await gqlClient(off, bearer(adminToken))(`{ orgs { id } }`);
    expect([r.status, r.codes]).toEqual([401, ["UNAUTHENTICATED"]]);
    // an org key still works there
    const ok = await gqlClient(off, orgKey(off.key))(anyQuery);
    expect([ok.status, ok.errors]).toEqual([200, undefined]);
  });
});

test("an org key with some other Authorization header (a provider key) is still that org", async () => {
  const r = await gqlClient(f.lectr, { ...orgKey(f.lectr.key), ...bearer(providerKeys.openai) })(`{ events { edges { node { id } } } }`);
  expect([r.status, r.errors, r.data.events.edges.length]).toEqual([200, undefined, 2]);
});

describe("FORBIDDEN: admin fields with an org key", () => {
  test.each([
    ["orgs", `{ orgs { id } }`],
    ["createOrg", `mutation { createOrg(name: "sneaky") { key } }`],
    ["createKey for its own org", `mutation { createKey(orgId: "ORG_A") { key } }`],
    ["createKey for another org", `mutation { createKey(orgId: "ORG_B") { key } }`],
  ])("%s", async (_name, query) => {
    const before = await admin(`{ orgs { name keys { id } } }`);
    const r = await a(query.replace("ORG_A", orgA).replace("ORG_B", orgB));
    expect([r.status, r.codes]).toEqual([200, ["FORBIDDEN"]]);
    expect(await admin(`{ orgs { name keys { id } } }`)).toEqual(before);
  });
});

describe("tenancy: an org key reaches its own org only", () => {
  const scoped: [string, string][] = [
    ["costBreakdown", `{ costBreakdown(period: { preset: LAST_HOUR }, orgId: $ORG) { requests } }`],
    ["modelDistribution", `{ modelDistribution(period: { preset: LAST_HOUR }, orgId: $ORG) { model } }`],
    ["providerHealth", `{ providerHealth(orgId: $ORG) { requests } }`],
    ["usageSeries", `{ usageSeries(period: { preset: LAST_HOUR }, bucket: HOUR, orgId: $ORG) { requests } }`],
    ["events", `{ events(orgId: $ORG) { edges { node { id } } } }`],
    ["settings", `{ settings(orgId: $ORG) { azure { endpoint } } }`],
    ["setAzureSettings", `mutation { setAzureSettings(endpoint: "https://evil.openai.azure.com", apiVersion: "2024-10-21", orgId: $ORG) { azure { endpoint } } }`],
    ["clearAzureSettings", `mutation { clearAzureSettings(orgId: $ORG) { azure { endpoint } } }`],
  ];

  test.each(scoped)("%s with another org's id → FORBIDDEN, and B is unchanged", async (_name, query) => {
    const before = await b(`{ settings { azure { endpoint } } events { edges { node { id } } } }`);
    for (const target of [orgB, "01900000-0000-7000-8000-000000000000"]) {
      const r = await a(query.replace("$ORG", JSON.stringify(target)));
      expect([r.status, r.codes, r.data]).toEqual([200, ["FORBIDDEN"], null]);
    }
    expect(await b(`{ settings { azure { endpoint } } events { edges { node { id } } } }`)).toEqual(before);
  });

  test.each(scoped.filter(([name]) => !name.endsWith("AzureSettings")))("%s with its own org id works", async (_name, query) => {
    const r = await a(query.replace("$ORG", JSON.stringify(orgA)));
    expect([r.status, r.errors]).toEqual([200, undefined]);
  });

  test("no field, filter or aggregate shows B's traffic to A", async () => {
    const all = await a(`{ events(first: 500) { edges { node { id model feature } } } }`);
    const aEvents = all.data.events.edges.map((e: { node: { id: string; model: string; feature: string | null } }) => e.node);
    expect(aEvents.length).toBe(2);
    expect(aEvents.some((e: { model: string }) => e.model === "gpt-4o-mini")).toBe(false);
    for (const filter of [`{ model: "gpt-4o-mini" }`, `{ feature: "b-only" }`]) {
      expect(ids(await a(`{ events(filter: ${filter}) { edges { node { id } } } }`))).toEqual([]);
    }
    const models = await a(`{ modelDistribution(period: { preset: LAST_HOUR }) { model requests } }`);
    expect(models.data.modelDistribution.map((m: { model: string }) => m.model).sort()).toEqual(["gpt-4o", "llama-3.3-70b-versatile"]);
    const cost = await a(`{ costBreakdown(period: { preset: LAST_HOUR }) { requests } providerHealth { provider requests } usageSeries(period: { preset: LAST_HOUR }, bucket: DAY, model: "gpt-4o-mini") { requests } }`);
    expect(cost.data.costBreakdown.requests).toBe(2);
    expect(cost.data.providerHealth.find((p: { provider: string }) => p.provider === "OPENAI").requests).toBe(1);
    expect(cost.data.usageSeries.every((p: { requests: number }) => p.requests === 0)).toBe(true);
  });

  test("a cursor taken from B's events pages A's events only", async () => {
    const bPage = await admin(`{ events(first: 1, orgId: "${orgB}") { pageInfo { endCursor } } }`);
    const after = bPage.data.events.pageInfo.endCursor as string;
    const r = await a(`query($after: String) { events(after: $after) { edges { node { id model } } } }`, { after });
    expect(r.errors).toBeUndefined();
    expect(r.data.events.edges.every((e: { node: { model: string } }) => e.node.model !== "gpt-4o-mini")).toBe(true);
  });

  test("the admin reads any org by orgId, and each org sees only itself", async () => {
    const bByAdmin = await admin(`{ events(orgId: "${orgB}") { edges { node { id } } } }`);
    const bByB = await b(`{ events { edges { node { id } } } }`);
    expect(ids(bByAdmin)).toEqual(ids(bByB));
    expect(ids(bByB).length).toBe(3);
    const own = await b(`{ events(orgId: "${orgB}") { edges { node { id } } } }`);
    expect(ids(own)).toEqual(ids(bByB));
  });
});

describe("keys", () => {
  test("an org cannot revoke another org's key (nor learn whether an id exists); B's key keeps working", async () => {
    for (const id of [keyBId, "01900000-0000-7000-8000-000000000000"]) {
      const r = await a(`mutation { revokeKey(id: "${id}") { revokedAt } }`);
      expect([r.codes, r.data]).toEqual([["FORBIDDEN"], null]);
    }
    expect((await b(anyQuery)).status).toBe(200);
    const res = await f.post("/v1/chat/completions", chat("gpt-4o-mini"), { "x-lectr-key": keyB });
    expect(res.status).toBe(200);
  });

  test("an org revokes its own key: refused at once, on /graphql and on the proxy", async () => {
    const created = await admin(`mutation { createKey(orgId: "${orgA}") { key apiKey { id revokedAt } org { id } } }`);
    const { key, apiKey, org } = created.data.createKey;
    expect([apiKey.revokedAt, org.id]).toEqual([null, orgA]);
    const withNew = gqlClient(f.lectr, orgKey(key));
    expect((await withNew(anyQuery)).status).toBe(200);
    expect((await f.post("/v1/chat/completions", chat("gpt-4o"), { "x-lectr-key": key })).status).toBe(200);
    const r = await a(`mutation { revokeKey(id: "${apiKey.id}") { id revokedAt } }`);
    expect(r.data.revokeKey.id).toBe(apiKey.id);
    expect(Date.parse(r.data.revokeKey.revokedAt)).toBeGreaterThan(0);
    // no waiting for the key cache: this process forgot it
    expect((await withNew(anyQuery)).codes).toEqual(["UNAUTHENTICATED"]);
    expect((await f.post("/v1/chat/completions", chat("gpt-4o"), { "x-lectr-key": key })).status).toBe(401);
  });

  test("the admin creates orgs and keys and revokes any key", async () => {
    const created = await admin(`mutation { createOrg(name: "initech") { key org { id name keys { id prefix revokedAt } } } }`);
    const { key, org } = created.data.createOrg;
    expect(key.startsWith(org.keys[0].prefix)).toBe(true);
    const c = gqlClient(f.lectr, orgKey(key));
    expect((await c(`{ events { edges { node { id } } } }`)).data.events.edges).toEqual([]);
    const revoked = await admin(`mutation { revokeKey(id: "${org.keys[0].id}") { revokedAt } }`);
    expect(revoked.data.revokeKey.revokedAt).not.toBeNull();
    expect((await c(anyQuery)).status).toBe(401);
    const orgs = await admin(`{ orgs { name keys { prefix } } }`);
    expect(orgs.data.orgs.map((o: { name: string }) => o.name)).toEqual(["acme", "globex", "initech"]);
  });
});

test("Azure settings changed through GraphQL apply to the proxy at once", async () => {
  const azure = () => f.post("/v1/chat/completions", chat("prod-gpt4o"), { authorization: `Bearer ${providerKeys.azure}`, "x-lectr-provider": "azure" });
  expect((await azure()).status).toBe(200);
  const cleared = await a(`mutation { clearAzureSettings { azure { endpoint } } }`);
  expect(cleared.data.clearAzureSettings).toEqual({ azure: null });
  const refused = await azure();
  expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([400, "azure_endpoint_not_configured"]);
  const set = await a(`mutation($e: String!) { setAzureSettings(endpoint: $e, apiVersion: "2024-10-21") { azure { endpoint apiVersion } } }`, { e: `${f.mocks.azure.baseUrl}/` });
  // stored as checked: the trailing slash dropped
  expect(set.data.setAzureSettings).toEqual({ azure: { endpoint: f.mocks.azure.baseUrl, apiVersion: "2024-10-21" } });
  expect((await azure()).status).toBe(200);
  expect((await a(anyQuery)).data.settings).toEqual({ azure: { endpoint: f.mocks.azure.baseUrl } });
});
