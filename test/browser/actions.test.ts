/**
 * What a person does in the dashboard, checked through the API and the proxy:
 * the first-run page turns into the overview when traffic arrives, a
 * recommendation becomes a routing rule (edited, reordered, deleted), the
 * Azure setting saved in the browser routes the next Azure request, and a
 * key is created (shown once) and revoked.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { bearer, gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { accessibilityViolations, openBrowser, signIn, tableText, type Browser } from "./harness.ts";
import { money } from "../../src/dashboard/ui/format.ts";
import { insertEvents } from "../../src/db/events.ts";
import { eventRow } from "../helpers/rows.ts";

const adminToken = "admin-token-for-the-browser-test";
let f: Fixture;
let gql: Gql;
let admin: Gql;
let b: Browser;
let azure2: MockUpstream;

const chat = (model: string, headers: Record<string, string> = {}) =>
  f.post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Hi" }] }, headers).then(async (r) => ({ status: r.status, text: await r.text() }));

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken } });
  gql = gqlClient(f.lectr.url, orgKey(f.lectr.key));
  admin = gqlClient(f.lectr.url, bearer(adminToken));
  azure2 = await startMockUpstream("azure");
  b = await openBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await azure2?.stop();
  await f?.stop();
});

describe("acting in the dashboard", () => {
  test("first run: the snippet names this server and the key, and the page becomes the overview when the first request arrives", async () => {
    await signIn(b.page, f.lectr.url, f.lectr.key);
    const node = await b.page.locator("[data-snippet=node]").textContent();
    const python = await b.page.locator("[data-snippet=python]").textContent();
    expect(node).toContain(`baseURL: "${f.lectr.url}/v1"`);
    expect(node).toContain(`defaultHeaders: { "X-Lectr-Key": "${f.lectr.key}" }`);
    expect(python).toContain(`base_url="${f.lectr.url}/v1"`);
    expect(python).toContain(`default_headers={"X-Lectr-Key": "${f.lectr.key}"}`);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.shot("first-run");
    expect((await chat("gpt-4o")).status).toBe(200);
    await b.page.locator("[data-stat=requests][data-value='1']").waitFor({ timeout: 15_000 });
  });

  test("a recommendation rolled out at 25% becomes a routing rule; it is edited, reordered and deleted from the page", async () => {
    for (let i = 0; i < 3; i++) expect((await chat("gpt-4o")).status).toBe(200);
    await b.page.goto(`${f.lectr.url}/#/spend-less?period=24h`);
    const card = b.page.locator('[data-rec="gpt-4o->gpt-4o-mini"]');
    await card.getByLabel(/Share of gpt-4o traffic/).fill("25");
    await card.getByRole("button", { name: "Roll out" }).click();
    await b.page.getByRole("status").getByText("Rolled out: 25% of gpt-4o now goes to gpt-4o-mini.").waitFor();
    const rules = async () => (await gql(`{ routingRules { id model targetModel percent enabled } }`)).data.routingRules;
    const [rule] = await rules();
    expect(rule).toEqual({ id: expect.any(String), model: "gpt-4o", targetModel: "gpt-4o-mini", percent: 25, enabled: true });
    await b.shot("spend-less-rule");

    // requests after the rule: its routed and control slices, as the API counts them
    for (let i = 0; i < 6; i++) expect((await chat("gpt-4o")).status).toBe(200);
    await f.lectr.lectr.recorder.settled();
    const stats = (await gql(`query($id: ID!) { routingRuleStats(id: $id, period: { preset: LAST_24_HOURS }) { routed { requests } control { requests } } }`, { id: rule.id })).data.routingRuleStats;
    expect(stats.routed.requests + stats.control.requests).toBe(6);
    await b.page.reload();
    await waitFor(async () => (await tableText(b.page, "rules").catch(() => []))[1]?.[5]?.startsWith(`${stats.routed.requests} req`));
    expect((await tableText(b.page, "rules"))[1]![6]!.startsWith(`${stats.control.requests} req`)).toBe(true);

    const editor = b.page.locator(`[data-rule="${rule.id}"]`);
    await editor.getByLabel("Percent").fill("50");
    await editor.getByLabel("enabled").uncheck();
    await editor.getByRole("button", { name: /^Save/ }).click();
    await b.page.getByRole("status").getByText("Rule saved.").waitFor();
    expect(await rules()).toEqual([{ ...rule, percent: 50, enabled: false }]);

    const second = (await gql(`mutation { createRoutingRule(input: { feature: "batch", targetModel: "gpt-4o-mini" }) { id } }`)).data.createRoutingRule.id;
    await b.page.reload();
    await b.page.locator(`[data-rule="${second}"]`).getByRole("button", { name: /^Move .* up$/ }).click();
    await waitFor(async () => (await rules()).map((r: { id: string }) => r.id).join() === [second, rule.id].join());
    await b.page.locator(`[data-rule="${rule.id}"]`).waitFor();
    await b.page.locator(`[data-rule="${rule.id}"]`).getByRole("button", { name: /^Delete/ }).click();
    await waitFor(async () => (await rules()).length === 1);
    expect((await rules()).map((r: { id: string }) => r.id)).toEqual([second]);
  });

  test("an unpriced model, called out on the overview, is priced from the page and its calls re-costed", async () => {
    expect((await chat("acme-finetune-v2")).status).toBe(200);
    await f.lectr.lectr.recorder.settled();
    // a call of 10 days ago, outside the page's 24 h: the price re-costs it too (90 days by default)
    const old = eventRow(f.lectr.orgId, "k", Date.now() - 10 * 86_400_000, { model: "acme-finetune-v2", cost_usd: null, price_known: false, input_tokens: 1000, output_tokens: 500 });
    await insertEvents(f.lectr.lectr.database.writePath, [old]);
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("[data-unpriced='1']").getByRole("link", { name: "Set their prices" }).click();
    await b.page.waitForURL(/#\/settings\?tab=prices/);
    await b.page.locator("table[data-table=unpriced]").getByRole("button", { name: "acme-finetune-v2" }).click();
    expect(await b.page.getByLabel("Model", { exact: true }).inputValue()).toBe("acme-finetune-v2");
    await b.page.getByLabel("Input", { exact: true }).fill("2");
    await b.page.getByLabel("Output", { exact: true }).fill("8");
    await b.page.getByRole("button", { name: "Save price" }).click();
    // the message counts what changed: this call and the one of 10 days ago, $0.006 more for the old one alone (1000 × 2 + 500 × 8 per 1M)
    const status = b.page.getByRole("status").getByText(/^Priced acme-finetune-v2: 2 of its 2 calls in the last 90 days re-costed \(\+\$0\.\d+\)\.$/);
    await status.waitFor();
    const oldCost = (await gql(`query($id: ID!) { events(filter: { id: $id }) { edges { node { costUsd } } } }`, { id: old.id })).data.events.edges[0].node.costUsd;
    expect(oldCost).toBeCloseTo(0.006, 12);
    const [event] = (await f.lectr.events()).filter((e) => e.model === "acme-finetune-v2");
    const r = await gql(`{ unpricedModels(period: { preset: LAST_24_HOURS }) { model } modelPrices { model provider inputPerMTok outputPerMTok } }`);
    expect(r.data).toEqual({ unpricedModels: [], modelPrices: [{ model: "acme-finetune-v2", provider: "OPENAI", inputPerMTok: 2, outputPerMTok: 8 }] });
    const cost = (await gql(`query($id: ID!) { events(filter: { id: $id }) { edges { node { costUsd costSource } } } }`, { id: event!.id })).data.events.edges[0].node;
    expect(cost).toEqual({ costUsd: expect.closeTo((event!.input_tokens! * 2 + event!.output_tokens! * 8) / 1e6, 12), costSource: "org_override" });
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("[data-stat=costUsd]").waitFor();
    expect(await b.page.locator("[data-unpriced]").count()).toBe(0);
  });

  test("the Azure setting saved in the browser routes the next Azure request, with its api-version", async () => {
    await b.page.goto(`${f.lectr.url}/#/settings?tab=azure`);
    await b.page.getByLabel("Endpoint").fill(azure2.origin);
    await b.page.getByLabel("API version").fill("2024-06-01");
    await b.page.getByLabel(/Deployments/).fill("prod-gpt4o = gpt-4o");
    await b.page.getByRole("button", { name: "Save" }).click();
    await b.page.getByRole("status").getByText("Saved. Azure requests use it from now on.").waitFor();
    expect((await gql(`{ settings { azure { endpoint apiVersion deployments { deployment model } } } }`)).data.settings.azure).toEqual({
      endpoint: azure2.origin,
      apiVersion: "2024-06-01",
      deployments: [{ deployment: "prod-gpt4o", model: "gpt-4o" }],
    });
    await b.shot("settings-azure");
    f.mocks.azure.reset();
    expect((await chat("prod-gpt4o", { authorization: `Bearer ${providerKeys.azure}`, "x-lectr-provider": "azure" })).status).toBe(200);
    expect(f.mocks.azure.requests).toEqual([]);
    expect(azure2.requests.map((r) => `${r.path}${r.search}`)).toEqual(["/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-06-01"]);
  });

  test("keys: an org key may not create one and is told so; the admin creates one (shown once) and revokes it", async () => {
    await b.page.goto(`${f.lectr.url}/#/settings?tab=keys`);
    await b.page.getByRole("button", { name: "Create key" }).click();
    await expect(b.page.getByRole("alert").textContent()).resolves.toBe("Not allowed with these credentials: createKey needs the admin token.");

    await b.page.getByRole("button", { name: "Sign out" }).click();
    await b.page.getByLabel("the admin token").check();
    await b.page.getByLabel(/Admin token/).fill(adminToken);
    await b.page.getByRole("button", { name: "Sign in" }).click();
    await b.page.getByRole("button", { name: "acme" }).click();
    await b.page.goto(`${f.lectr.url}/#/settings?tab=keys`);
    await b.page.getByRole("button", { name: "Create key" }).click();
    const key = (await b.page.locator("[data-new-key]").textContent())!.trim();
    expect(key).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect((await gqlClient(f.lectr.url, orgKey(key))(`{ org { name } }`)).data).toEqual({ org: { name: "acme" } });
    await b.shot("settings-keys-created");

    const listed = (await admin(`query($org: ID!) { org(orgId: $org) { keys { id prefix revokedAt } } }`, { org: f.lectr.orgId })).data.org.keys;
    const created = listed.find((k: { prefix: string }) => key.startsWith(k.prefix));
    const row = b.page.locator("table[data-table=keys] tr", { hasText: `${created.prefix}…` });
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Confirm revoke" }).click();
    await b.page.getByRole("status").getByText(`Revoked ${created.prefix}….`).waitFor();
    expect((await gqlClient(f.lectr.url, orgKey(key))(`{ org { name } }`)).codes).toEqual(["UNAUTHENTICATED"]);
    await row.getByText(/^revoked /).waitFor();
    // the key itself is not on the page any more once the list reloads
    await b.page.reload();
    await b.page.locator("table[data-table=keys]").waitFor();
    expect(await b.page.content()).not.toContain(key);
  });

  test("a budget made on the page shows the API's figures, blocks once used up, and is deleted", async () => {
    await b.page.goto(`${f.lectr.url}/#/budgets`);
    const form = b.page.locator("form[aria-labelledby=new-budget-title]");
    await form.waitFor();
    await form.getByLabel("Name").fill("gpt-4o cap");
    await form.getByLabel("Amount (USD)").fill("0.000001");
    await form.getByLabel("At 100 %").selectOption("BLOCK");
    await form.getByLabel(/^Model, exact or a prefix/).fill("gpt-4o*");
    await form.getByRole("button", { name: "Create" }).click();
    await b.page.getByRole("status").getByText("Budget “gpt-4o cap” created.").waitFor();
    // the first call spends past the amount; once the spend is recorded, gpt-4o calls are refused, others are not
    const blocked = await waitFor(async () => {
      const r = await chat("gpt-4o");
      return r.status === 402 ? r : undefined;
    }, { timeoutMs: 15_000, message: "the budget never blocked" });
    expect(JSON.parse(blocked.text).error.code).toBe("budget_exceeded");
    expect((await chat("gpt-4o-mini")).status).toBe(402);
    expect((await chat("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` })).status).toBe(200);

    const api = (await admin(`query($org: ID) { budgets(orgId: $org) { name amountUsd spentUsd state action } }`, { org: f.lectr.orgId })).data.budgets;
    expect(api.map((x: { name: string; state: string; action: string }) => [x.name, x.state, x.action])).toEqual([["gpt-4o cap", "EXCEEDED", "BLOCK"]]);
    await b.page.reload();
    await b.page.locator("table[data-table=budgets]").waitFor();
    const [head, row] = await tableText(b.page, "budgets");
    const cell = (label: string) => row![head!.indexOf(label)];
    expect([cell("Name"), cell("Counts"), cell("Amount"), cell("Spent"), cell("State")]).toEqual(["gpt-4o cap", "model gpt-4o*", money(api[0].amountUsd), money(api[0].spentUsd), "EXCEEDED"]);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.shot("budgets-blocked");

    await b.page.getByRole("button", { name: "Delete “gpt-4o cap”" }).click();
    await b.page.getByRole("status").getByText("Deleted “gpt-4o cap”.").waitFor();
    expect((await admin(`query($org: ID) { budgets(orgId: $org) { id } }`, { org: f.lectr.orgId })).data.budgets).toEqual([]);
    await waitFor(async () => (await chat("gpt-4o")).status === 200, { timeoutMs: 10_000, message: "deleting the budget did not lift the block" });
  });

  test("no dialog opened, no page or console error (nothing the Content-Security-Policy refused), no request left loopback", () => {
    expect({ dialogs: b.dialogs, errors: b.pageErrors, console: b.consoleErrors, offLoopback: b.offLoopback }).toEqual({ dialogs: [], errors: [], console: [], offLoopback: [] });
  });
});
