/**
 * The dashboard's answers at a glance, in a real browser (answers-fixture.ts):
 * the month's spend and forecast, cost per provider against the previous
 * period (a tiny base reads "new", a rate changes in points), provider health
 * right now, incidents on the spend chart, readable charts, and what changed,
 * each equal to the GraphQL answer; nothing leaves loopback and axe finds no
 * serious problems.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accessibilityViolations, tableText } from "./harness.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { count, delta, money, moneyColumn, moneyDelta, percent } from "../../src/dashboard/ui/format.ts";
import { hourMs, startAnswers, type Answers } from "./answers-fixture.ts";
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
    // the last hour's table may still be on the page: wait for the day's, whose previous period holds OpenAI's $0.50
    await waitFor(async () => (await tableText(b.page, "provider-costs").catch(() => [])).some((row) => row[2] === "$0.50"), { message: "the 24 h table did not load" });
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
