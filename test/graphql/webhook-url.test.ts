/** A webhook's URL is a credential (Slack's incoming webhooks): whole only for admins, the host for everyone else. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createKey } from "../../src/db/orgs.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { bearer, gqlClient, orgKey } from "./client.ts";

const adminToken = "admin-token-for-webhook-url-tests";
let f: Fixture;
let hook: string;
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  // a Slack-shaped URL on a local address (the fixture allows private upstreams; nothing is posted here)
  hook = `${new URL(f.mocks.openai.baseUrl).origin}/services/T0001/B0001/secretsecretsecret`;
  const admin = gqlClient(f.lectr, orgKey(f.lectr.key));
  const created = await admin(`mutation($url: String!) { createWebhook(input: { url: $url, format: SLACK }) { webhook { url } } }`, { url: hook });
  expect(created.data.createWebhook.webhook.url).toBe(hook);
});
afterAll(() => f.stop());

const urls = async (headers: Record<string, string>, orgId?: string) => {
  const r = await gqlClient(f.lectr, headers)(`query($o: ID) { webhooks(orgId: $o) { url } }`, { o: orgId });
  expect(r.errors).toBeUndefined();
  return r.data.webhooks.map((w: { url: string }) => w.url);
};

test("read-scoped keys see the scheme and host only; admin keys and the admin token see the whole URL", async () => {
  const { key: readKey } = await createKey(f.lectr.lectr.database.db, f.lectr.orgId, { scope: "read" });
  const host = new URL(hook).origin;
  expect({
    read: await urls(orgKey(readKey)),
    admin: await urls(orgKey(f.lectr.key)),
    token: await urls(bearer(adminToken), f.lectr.orgId),
  }).toEqual({ read: [`${host}/…`], admin: [hook], token: [hook] });
});
