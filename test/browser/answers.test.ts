/**
 * The dashboard's answers at a glance, in a real browser over real proxied
 * traffic plus history written at chosen times: the month's spend and
 * forecast, cost per provider against the previous period (a tiny base reads
 * "new", a rate changes in points), each equal to the GraphQL answer; nothing
 * leaves loopback and axe finds no serious problems.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { periodBounds } from "../../src/budgets/period.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { eventRow } from "../helpers/rows.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { accessibilityViolations, openBrowser, signIn, tableText, type Browser } from "./harness.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { count, delta, money, moneyColumn, moneyDelta, percent } from "../../src/dashboard/ui/format.ts";

let f: Fixture;
let gql: Gql;
let b: Browser;
const hourMs = 3_600_000;

beforeAll(async () => {
  f = await startFixture();
  gql = gqlClient(f.lectr.url, orgKey(f.lectr.key));
  const send = async (model: string, headers: Record<string, string> = {}) => void (await (await f.post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Hi" }] }, headers)).text());
  await send("gpt-4o");
  await send("gpt-4o");
  // the smallest of its family: nothing cheaper to suggest
  await send("gpt-4o-mini");
  await send("claude-3-5-sonnet-20241022", { authorization: `Bearer ${providerKeys.anthropic}` });
  await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  // Groq fails right now: 5 of its 7 requests
  f.mocks.groq.setBehavior({ status: 500 });
  for (let i = 0; i < 5; i++) await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  f.mocks.groq.reset();
  const now = Date.now();
  const lastMonth = periodBounds("month", "UTC", periodBounds("month", "UTC", now).start - 1);
  await insertEvents(f.lectr.lectr.database.writePath, [
    // the previous 24 h: OpenAI spent more than now, Groq next to nothing (its change reads "new")
    eventRow(f.lectr.orgId, "k", now - 30 * hourMs, { cost_usd: 0.5 }),
    eventRow(f.lectr.orgId, "k", now - 30 * hourMs, { provider: "groq", model: "llama-3.3-70b-versatile", cost_usd: 0.000000001 }),
    // Groq's usual: 100 good requests earlier today
    ...Array.from({ length: 100 }, (_, i) => eventRow(f.lectr.orgId, "k", now - 3 * hourMs - i, { provider: "groq", model: "llama-3.3-70b-versatile" })),
    // last month, for the month's comparison
    eventRow(f.lectr.orgId, "k", lastMonth.start, { cost_usd: 7 }),
  ]);
  b = await openBrowser({ viewport: { width: 1440, height: 900 } });
  await signIn(b.page, f.lectr.url, f.lectr.key);
}, 60_000);

afterAll(async () => {
  await b?.close();
  await f?.stop();
});

describe("overview: the money question", () => {
  test("this month to date, last month and the forecast equal monthSpend, whatever the period picker says", async () => {
    await b.page.goto(`${f.lectr.url}/#/overview?period=1h`);
    await b.page.locator("[data-stat=monthToDate]").waitFor();
    const m = (await gql(`{ monthSpend { monthToDateUsd lastMonthToDateUsd lastMonthUsd forecastUsd } }`)).data.monthSpend;
    const shown = await b.page.locator(".month [data-stat]").evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute("data-stat"), { value: e.getAttribute("data-value"), text: e.querySelector(".stat-value")!.textContent }])),
    );
    // the forecast moves with the clock between the page's request and this one: compared to a millionth of a dollar
    const forecast = shown.forecast!;
    expect(m.forecastUsd == null ? forecast.value === "" : Math.abs(Number(forecast.value) - m.forecastUsd) < 1e-6).toBe(true);
    expect({ ...shown, forecast: forecast.text }).toEqual({
      monthToDate: { value: String(m.monthToDateUsd), text: money(m.monthToDateUsd) },
      lastMonth: { value: String(m.lastMonthUsd), text: money(m.lastMonthUsd) },
      forecast: m.forecastUsd == null ? "—" : money(m.forecastUsd),
    });
    expect(m.lastMonthUsd).toBe(7);
    expect(m.monthToDateUsd).toBeGreaterThan(0);
    await expect(b.page.locator("[data-stat=monthToDate] .stat-change").textContent()).resolves.toContain(`${delta(m.monthToDateUsd, m.lastMonthToDateUsd)} (${moneyDelta(m.monthToDateUsd, m.lastMonthToDateUsd)}) vs last month to the same day`);
  });

  test("cost per provider against the previous period: $ and % change equal costBreakdown, a tiny base reads new", async () => {
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("table[data-table=provider-costs]").waitFor();
    const r = await gql(`{ costBreakdown(period: { preset: LAST_24_HOURS }) { providers { provider costUsd previousCostUsd changeUsd requests } } }`);
    const names: Record<string, string> = { OPENAI: "OpenAI", ANTHROPIC: "Anthropic", GROQ: "Groq" };
    const table = await tableText(b.page, "provider-costs");
    expect(table[0]).toEqual(["Provider", "Spend", "Previous period", "Change", "Change %", "Requests"]);
    expect(table.slice(1)).toEqual(
      r.data.costBreakdown.providers.map((p: { provider: string; costUsd: number; previousCostUsd: number; requests: number }) => [
        names[p.provider],
        money(p.costUsd),
        money(p.previousCostUsd),
        moneyDelta(p.costUsd, p.previousCostUsd),
        delta(p.costUsd, p.previousCostUsd),
        count(p.requests),
      ]),
    );
    const byName = new Map(table.slice(1).map((row) => [row[0], row]));
    expect(byName.get("Groq")![4]).toBe("new");
    // OpenAI spent less than the $0.50 of the previous period: a real, negative percentage
    expect(byName.get("OpenAI")![4]).toMatch(/^-\d/);
    // the error rate changes in points (Groq's 500s now, none before)
    await expect(b.page.locator("[data-stat=errorRate] .stat-change").textContent()).resolves.toMatch(/^\+\d+(\.\d)? pts vs previous period$/);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    expect(b.offLoopback).toEqual([]);
    expect(b.pageErrors).toEqual([]);
    await b.shot("overview-month");
  });
});

describe("right now: provider health whatever the period says", () => {
  test("the last 15 and 60 minutes per provider, coloured against its own last 7 days; Groq failing, OpenAI as usual", async () => {
    // the period picker says 90 days: the right-now figures do not follow it
    await b.page.goto(`${f.lectr.url}/#/health?period=90d`);
    await b.page.locator("table[data-table=right-now]").waitFor();
    const now = Date.now();
    const r = await gql(`query($n15: PeriodInput!, $n60: PeriodInput!) { n15: providerHealth(period: $n15) { provider requests errorRate } n60: providerHealth(period: $n60) { provider requests errorRate } }`, {
      n15: { from: new Date(now - 15 * 60_000).toISOString(), to: new Date(now).toISOString() },
      n60: { from: new Date(now - hourMs).toISOString(), to: new Date(now).toISOString() },
    });
    const table = await tableText(b.page, "right-now");
    const rows = new Map(table.slice(1).map((row) => [row[0], row]));
    const expected = (provider: string, name: string, state: string) => {
      const n15 = r.data.n15.find((h: { provider: string }) => h.provider === provider);
      const n60 = r.data.n60.find((h: { provider: string }) => h.provider === provider);
      return [name, state, count(n15.requests), percent(n15.errorRate), count(n60.requests), percent(n60.errorRate)];
    };
    expect(rows.get("Groq")!.slice(0, 6)).toEqual(expected("GROQ", "Groq", "Failing"));
    expect(rows.get("OpenAI")!.slice(0, 6)).toEqual(expected("OPENAI", "OpenAI", "As usual"));
    expect(rows.get("Groq")![3]).toBe(percent(5 / 7));
    // Groq's usual error rate: its 100 good requests earlier today
    expect(rows.get("Groq")![7]).toBe(percent(0));
    // the state is a word and a colour
    await expect(b.page.locator("table[data-table=right-now] .state-failing").textContent()).resolves.toBe("Failing");
    // error rate and p95 over the last 24 hours
    await expect(b.page.locator(".now-grid .uplot").count()).resolves.toBe(2);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.shot("health");
  });

  test("incidents are marked on the spend chart; hovering it reads out each provider's value at that time", async () => {
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    const marks = b.page.locator("[data-marks]");
    await marks.waitFor();
    await expect(marks.textContent()).resolves.toMatch(/^Groq failing at /);
    await expect(marks.getAttribute("data-marks")).resolves.toBe("1");
    const plot = b.page.locator(".chart .uplot .u-over").first();
    const box = (await plot.boundingBox())!;
    await b.page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    await b.page.locator(".chart .legend .value").first().waitFor();
    // the rightmost bucket is this hour: OpenAI's own spend in it, not the stack's running sum
    const r = await gql(`{ usageSeries(period: { preset: LAST_24_HOURS }, bucket: HOUR, provider: OPENAI) { costUsd } }`);
    await expect(b.page.locator(".chart [data-series=OpenAI] .value").first().textContent()).resolves.toBe(money(r.data.usageSeries.at(-1).costUsd));
    expect(b.offLoopback).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  });
});

describe("readable charts", () => {
  test("hourly charts name the browser's zone, daily ones are UTC days; each provider its own colour", async () => {
    await b.page.mouse.move(0, 0);
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator(".chart .uplot").first().waitFor();
    await expect(b.page.locator(".chart .legend").first().textContent()).resolves.toContain("Times in UTC");
    await b.page.goto(`${f.lectr.url}/#/overview?period=90d`);
    await b.page.locator("[data-stat=requests]").waitFor();
    await b.page.locator(".chart .uplot").first().waitFor();
    await expect(b.page.locator(".chart .legend").first().textContent()).resolves.toContain("UTC days");
    // swatches carry each provider's own colour: Anthropic and Groq differ
    const swatches = await b.page.locator(".chart .legend .key").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.textContent, getComputedStyle(e.querySelector(".swatch")!).backgroundColor])));
    expect(new Set(Object.values(swatches)).size).toBe(Object.keys(swatches).length);
    expect(b.offLoopback).toEqual([]);
  });
});

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

describe("what changed", () => {
  test("by model, against the period before: the table equals spendChanges; the dimension lives in the URL", async () => {
    await b.page.goto(`${f.lectr.url}/#/changes?period=24h`);
    await b.page.locator("select[name=by]").selectOption("PROVIDER");
    await b.page.waitForURL(/by=PROVIDER/);
    await b.page.locator("table[data-table=changes]").waitFor();
    await waitFor(async () => (await tableText(b.page, "changes"))[0]?.[0] === "Provider", { message: "the table did not switch to providers" });
    const r = await gql(`{ spendChanges(period: { preset: LAST_24_HOURS }, by: PROVIDER, limit: 50) { changes { key costUsd previousCostUsd requests previousRequests } } }`);
    const names: Record<string, string> = { OPENAI: "OpenAI", ANTHROPIC: "Anthropic", GROQ: "Groq" };
    type C = { key: string; costUsd: number; previousCostUsd: number; requests: number; previousRequests: number };
    const changes: C[] = r.data.spendChanges.changes;
    const usd = moneyColumn(changes.flatMap((c) => [c.costUsd, c.previousCostUsd]));
    expect((await tableText(b.page, "changes")).slice(1)).toEqual(
      changes.map((c) => [names[c.key]!, usd(c.costUsd), usd(c.previousCostUsd), moneyDelta(c.costUsd, c.previousCostUsd), delta(c.costUsd, c.previousCostUsd), `${count(c.requests)} (was ${count(c.previousRequests)})`]),
    );
    // OpenAI fell from the $0.50 before: the largest change comes first
    expect(changes[0]!.key).toBe("OPENAI");
    expect(await accessibilityViolations(b.page)).toEqual([]);
    expect(b.offLoopback).toEqual([]);
    await b.shot("changes");
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
