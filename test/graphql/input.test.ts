/** Every invalid input answers a GraphQL error with extensions.code = BAD_USER_INPUT, and changes nothing. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";

const adminToken = "admin-token-for-input-tests";
let l: TestLectr;
let org: Gql;
let admin: Gql;

beforeAll(async () => {
  l = await startLectr({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  org = gqlClient(l, orgKey(l.key));
  admin = gqlClient(l, bearer(adminToken));
});
afterAll(() => l.stop());

const day = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const t0 = Date.UTC(2026, 0, 1);

describe("periods", () => {
  const periods: [string, string][] = [
    ["preset and from+to", `{ preset: LAST_HOUR, from: "${iso(t0)}", to: "${iso(t0 + day)}" }`],
    ["preset and from", `{ preset: LAST_HOUR, from: "${iso(t0)}" }`],
    ["preset and to", `{ preset: LAST_24_HOURS, to: "${iso(t0)}" }`],
    ["from without to", `{ from: "${iso(t0)}" }`],
    ["to without from", `{ to: "${iso(t0)}" }`],
    ["nothing", `{}`],
    ["from = to", `{ from: "${iso(t0)}", to: "${iso(t0)}" }`],
    ["from > to", `{ from: "${iso(t0 + 1)}", to: "${iso(t0)}" }`],
    ["over 400 days", `{ from: "${iso(t0)}", to: "${iso(t0 + 400 * day + 1)}" }`],
    ["a DateTime without a zone", `{ from: "2026-01-01T00:00:00", to: "${iso(t0 + day)}" }`],
    ["a DateTime that is not one", `{ from: "last tuesday", to: "${iso(t0 + day)}" }`],
  ];
  const fields = [
    (p: string) => `costBreakdown(period: ${p}) { requests }`,
    (p: string) => `modelDistribution(period: ${p}) { model }`,
    (p: string) => `providerHealth(period: ${p}) { requests }`,
    (p: string) => `usageSeries(period: ${p}, bucket: DAY) { requests }`,
  ];

  test.each(periods)("%s → BAD_USER_INPUT on every aggregate query", async (_name, period) => {
    for (const field of fields) {
      const r = await org(`{ ${field(period)} }`);
      expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    }
  });

  test("exactly 400 days is accepted", async () => {
    const r = await org(`{ costBreakdown(period: { from: "${iso(t0)}", to: "${iso(t0 + 400 * day)}" }) { requests } }`);
    expect(r.errors).toBeUndefined();
  });

  test("in variables too", async () => {
    const r = await org(`query($p: PeriodInput!) { costBreakdown(period: $p) { requests } }`, { p: { preset: "LAST_HOUR", from: iso(t0) } });
    expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    const bad = await org(`query($p: PeriodInput!) { costBreakdown(period: $p) { requests } }`, { p: { from: "2026-02-30", to: iso(t0) } });
    expect(bad.codes).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("events paging", () => {
  test.each([
    ["first > 500", `{ events(first: 501) { edges { cursor } } }`],
    ["first < 0", `{ events(first: -1) { edges { cursor } } }`],
    ["an after that is not a cursor", `{ events(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`],
  ])("%s", async (_name, query) => {
    expect((await org(query)).codes).toEqual(["BAD_USER_INPUT"]);
  });

  test("first = 500 is accepted", async () => {
    expect((await org(`{ events(first: 500) { edges { cursor } } }`)).errors).toBeUndefined();
  });
});

describe("admin", () => {
  const unknown = "01900000-0000-7000-8000-000000000000";
  test.each([
    ["an org-scoped query without orgId", `{ costBreakdown(period: { preset: LAST_HOUR }) { requests } }`],
    ["an unknown orgId", `{ costBreakdown(period: { preset: LAST_HOUR }, orgId: "${unknown}") { requests } }`],
    ["events with an unknown orgId", `{ events(orgId: "${unknown}") { edges { cursor } } }`],
    ["settings with an unknown orgId", `{ settings(orgId: "${unknown}") { azure { endpoint } } }`],
    ["setAzureSettings for an unknown orgId", `mutation { setAzureSettings(endpoint: "https://x.openai.azure.com", apiVersion: "2024-10-21", orgId: "${unknown}") { azure { endpoint } } }`],
    ["createKey for an unknown org", `mutation { createKey(orgId: "${unknown}") { key } }`],
    ["revokeKey of an unknown key", `mutation { revokeKey(id: "${unknown}") { id } }`],
    ["createOrg with a taken name", `mutation { createOrg(name: "acme") { key } }`],
    ["createOrg with an invalid name", `mutation { createOrg(name: "no spaces please") { key } }`],
  ])("%s", async (_name, query) => {
    const before = await admin(`{ orgs { name keys { id } } }`);
    expect((await admin(query)).codes).toEqual(["BAD_USER_INPUT"]);
    expect(await admin(`{ orgs { name keys { id } } }`)).toEqual(before);
  });
});

describe("Azure settings", () => {
  test.each([
    ["an api-version that is not one", "https://x.openai.azure.com", "v2"],
    ["a URL that is not one", "not a url", "2024-10-21"],
    ["plain http", "http://x.openai.azure.com", "2024-10-21"],
    ["a loopback address", "https://127.0.0.1", "2024-10-21"],
    ["a private address", "https://10.1.2.3", "2024-10-21"],
    ["credentials in the URL", "https://user:pw@x.openai.azure.com", "2024-10-21"],
    ["a query string", "https://x.openai.azure.com/?a=1", "2024-10-21"],
  ])("%s → BAD_USER_INPUT, settings unchanged", async (_name, endpoint, apiVersion) => {
    const r = await org(`mutation($e: String!, $v: String!) { setAzureSettings(endpoint: $e, apiVersion: $v) { azure { endpoint } } }`, { e: endpoint, v: apiVersion });
    expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    expect((await org(`{ settings { azure { endpoint } } }`)).data.settings).toEqual({ azure: null });
  });
});
