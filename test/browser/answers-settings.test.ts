/**
 * More answers in a real browser (answers-fixture.ts): efficiency columns,
 * Spend less's reasons, key names through settings, Explore and the budget
 * form, the layout at 1440 and 390 px, the first run for every provider, and
 * the org's time zone; axe finds no serious problems.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accessibilityViolations, openBrowser, signIn, tableText } from "./harness.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { money, percent } from "../../src/dashboard/ui/format.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { startAnswers, type Answers } from "./answers-fixture.ts";
import type { Fixture } from "../helpers/fixture.ts";
import type { Gql } from "../graphql/client.ts";
import type { Browser } from "./harness.ts";

let a: Answers;
let f: Fixture;
let gql: Gql;
let b: Browser;

beforeAll(async () => {
  a = await startAnswers();
  ({ f, gql, b } = a);
}, 60_000);

afterAll(() => a?.stop());

describe("efficiency and spend less", () => {
  test("models: share of spend, cost per request and per 1M tokens agree with modelDistribution", async () => {
    await b.page.goto(`${f.lectr.url}/#/models?period=24h`);
    await b.page.locator("table[data-table=models]").waitFor();
    const r = await gql(`{ modelDistribution(period: { preset: LAST_24_HOURS }) { model costUsd requests unpricedRequests inputTokens outputTokens } }`);
    type M = { model: string; costUsd: number; requests: number; unpricedRequests: number; inputTokens: number; outputTokens: number };
    const models: M[] = r.data.modelDistribution;
    const total = models.reduce((s, m) => s + m.costUsd, 0);
    const table = await tableText(b.page, "models");
    expect(table[0]!.slice(4, 7)).toEqual(["Share of spend", "Cost / request", "Cost / 1M tokens"]);
    const shares = new Map(table.slice(1).map((row) => [row[0], row[4]]));
    expect(Object.fromEntries(shares)).toEqual(Object.fromEntries(models.map((m) => [m.model, percent(m.costUsd / total)])));
  });

  test("spend less: a day of data projects no month; the models without a recommendation say why", async () => {
    await b.page.goto(`${f.lectr.url}/#/spend-less?period=24h`);
    await b.page.locator("table[data-table=unrecommended]").waitFor();
    const r = await gql(`{ recommendations(period: { preset: LAST_24_HOURS }) { fromModel projectedMonthlySavingsUsd estimatedSavingsUsd } unrecommendedModels(period: { preset: LAST_24_HOURS }, limit: 5) { model costUsd reason } }`);
    const table = await tableText(b.page, "unrecommended");
    expect(table.slice(1).map((row) => row[0])).toContain("gpt-4o-mini");
    expect(table.slice(1)).toEqual(r.data.unrecommendedModels.map((u: { model: string; costUsd: number; reason: string }) => [u.model, expect.any(String), money(u.costUsd), u.reason]));
    for (const rec of r.data.recommendations) {
      expect(rec.projectedMonthlySavingsUsd).toBeNull();
      await expect(b.page.locator(`[data-rec^="${rec.fromModel}->"] .rec-saving`).first().textContent()).resolves.toContain("in this period (a month is projected from 7 days or more)");
    }
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.shot("spend-less");
  });
});

describe("key names", () => {
  test("a key named in settings is its name in Explore and in the budget form, and scopes a budget", async () => {
    await b.page.goto(`${f.lectr.url}/#/settings?tab=keys`);
    await b.page.locator("table[data-table=keys]").waitFor();
    const [key] = (await gql(`{ org { keys { id prefix name } } }`)).data.org.keys;
    expect(key.name).toBeNull();
    await b.page.locator("select[name=renameKey]").selectOption(key.id);
    await b.page.locator("input[name=keyName]").fill("billing-service");
    await b.page.getByRole("button", { name: "Save name" }).click();
    await b.page.getByText(`${key.prefix}… is now "billing-service".`).waitFor();
    expect((await gql(`{ org { keys { name } } }`)).data.org.keys[0].name).toBe("billing-service");
    await waitFor(async () => (await tableText(b.page, "keys"))[1]?.[0] === "billing-service", { message: "the keys table did not show the name" });
    expect(await accessibilityViolations(b.page)).toEqual([]);

    await b.page.goto(`${f.lectr.url}/#/explore?period=24h&by=KEY`);
    await b.page.locator("table[data-table=explore]").waitFor();
    // the history written straight to the database carries no real key: "(none)"
    expect((await tableText(b.page, "explore")).slice(1, -1).map((row) => row[0])).toEqual(["billing-service", "(none)"]);

    await b.page.goto(`${f.lectr.url}/#/budgets`);
    const form = b.page.locator("form[aria-labelledby=new-budget-title]");
    await form.waitFor();
    await form.locator("input[name=name]").fill("Billing");
    await form.locator("input[name=amount]").fill("25");
    await form.locator("select[name=keyId]").selectOption({ label: "billing-service" });
    await form.locator("select[name=provider]").selectOption("OPENAI");
    await form.locator("input[name=task]").fill("chat");
    await form.getByRole("button", { name: "Create" }).click();
    await b.page.getByText("Budget “Billing” created.").waitFor();
    const [budget] = (await gql(`{ budgets { name keyId provider task timeZone thresholds } }`)).data.budgets;
    expect(budget).toEqual({ name: "Billing", keyId: key.id, provider: "OPENAI", task: "chat", timeZone: "UTC", thresholds: [50, 80, 100] });
    await waitFor(async () => ((await tableText(b.page, "budgets"))[1] ?? []).some((c) => c.includes("key billing-service")), { message: "the budget's scope does not name the key" });
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.shot("budgets");
  });
});

describe("layout and first run", () => {
  test("a wide screen is used: the main column grows past 1280 px at 1440", async () => {
    await b.page.goto(`${f.lectr.url}/#/events?period=24h`);
    await b.page.locator("table[data-table=events]").waitFor();
    expect(await b.page.locator("main").evaluate((m) => m.clientWidth)).toBeGreaterThan(1350);
  });

  test("at 390 px, Models keeps the model in view while the numbers scroll under it", async () => {
    await using phone = await openBrowser({ viewport: { width: 390, height: 844 } });
    await signIn(phone.page, f.lectr.url, f.lectr.key);
    await phone.page.goto(`${f.lectr.url}/#/models?period=24h`);
    const table = phone.page.locator("table[data-table=models]");
    await table.waitFor();
    const first = table.locator("tbody tr td").first();
    const before = (await first.boundingBox())!;
    // the model column and at least the next one fit on screen
    expect(before.x + before.width).toBeLessThan(390 * 0.5);
    expect((await table.locator("thead th").nth(1).boundingBox())!.x).toBeLessThan(390);
    await table.locator("xpath=..").evaluate((scroll) => scroll.scrollBy({ left: 400 }));
    await waitFor(async () => (await table.locator("xpath=..").evaluate((s) => s.scrollLeft)) > 0, { message: "the table did not scroll" });
    expect((await first.boundingBox())!.x).toBeCloseTo(before.x, 0);
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.shot("models-phone");
  });

  test("first run: a setup for every provider, with this server and the whole key in view", async () => {
    const fresh = await createOrg(f.lectr.lectr.database.db, "newcomer");
    await using other = await openBrowser();
    await signIn(other.page, f.lectr.url, fresh.key);
    await other.page.getByRole("heading", { name: "No requests yet" }).waitFor();
    const tabs = await other.page.locator("[data-setup]").evaluateAll((els) => els.map((e) => e.textContent));
    expect(tabs).toEqual(["OpenAI", "Anthropic", "Groq", "Gemini", "Azure OpenAI"]);
    await other.page.getByRole("button", { name: "Anthropic" }).click();
    const node = other.page.locator("[data-snippet=anthropic-node]");
    await expect(node.textContent()).resolves.toContain(`baseURL: "${f.lectr.url}",`);
    await expect(node.textContent()).resolves.toContain(`"X-Lectr-Key": "${fresh.key}"`);
    // the key wraps inside the box instead of running past its edge
    expect(await node.evaluate((pre) => pre.scrollWidth <= pre.clientWidth)).toBe(true);
    await other.page.getByRole("button", { name: "Azure OpenAI" }).click();
    await expect(other.page.locator("[data-snippet=azure-curl]").textContent()).resolves.toContain('-H "X-Lectr-Provider: azure"');
    expect(await accessibilityViolations(other.page)).toEqual([]);
    expect([other.offLoopback, other.pageErrors]).toEqual([[], []]);
    await other.shot("first-run-providers");
  });
});

describe("the org's time zone", () => {
  test("set in settings, the overview counts its month in it and says so", async () => {
    await b.page.goto(`${f.lectr.url}/#/settings?tab=zone`);
    const input = b.page.locator("input[name=timeZone]");
    await input.waitFor();
    expect(await input.inputValue()).toBe("UTC");
    await input.fill("Pacific/Kiritimati");
    await b.page.getByRole("button", { name: "Save", exact: true }).click();
    await b.page.getByText("Months are now counted in Pacific/Kiritimati.").waitFor();
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("[data-stat=monthToDate]").waitFor();
    const m = (await gql(`{ monthSpend { from timeZone } }`)).data.monthSpend;
    expect(m.timeZone).toBe("Pacific/Kiritimati");
    await expect(b.page.locator(".month").getAttribute("data-month")).resolves.toBe(m.from);
    await expect(b.page.locator("[data-stat=monthToDate] .stat-label").textContent()).resolves.toContain("(Pacific/Kiritimati)");
    await gql(`mutation { setOrgTimeZone(timeZone: null) { timeZone } }`);
  });
});
