/**
 * The dashboard in a real browser over real proxied traffic: every total on
 * the page equals the GraphQL answer, filters live in the URL, drill-downs
 * land on the matching events, CSV equals the table, traffic-supplied text
 * stays text, nothing leaves loopback, and axe finds no serious problems.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { accessibilityViolations, openBrowser, signIn, tableText, type Browser } from "./harness.ts";
import { count, duration, money, moneyColumn, percent, spend } from "../../src/dashboard/ui/format.ts";

let f: Fixture;
let gql: Gql;
let b: Browser;
const hostileModel = "<img src=x onerror=alert(1)>";
const hostileFeature = "<script>window.__pwned=1</script>";

beforeAll(async () => {
  f = await startFixture();
  gql = gqlClient(f.lectr.url, orgKey(f.lectr.key));
  const send = async (model: string, headers: Record<string, string> = {}) => void (await (await f.post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Hi" }] }, headers)).text());
  await send("gpt-4o", { "x-lectr-feature": "support-bot", "x-lectr-task": "chat" });
  await send("gpt-4o", { "x-lectr-feature": "support-bot" });
  await send("gpt-4o-mini", { "x-lectr-task": "classification" });
  await send("claude-3-5-sonnet-20241022", { authorization: `Bearer ${providerKeys.anthropic}`, "x-lectr-feature": "search" });
  await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  await send("gemini-2.5-flash", { authorization: `Bearer ${providerKeys.gemini}` });
  await send("prod-gpt4o", { authorization: `Bearer ${providerKeys.azure}`, "x-lectr-provider": "azure" });
  f.mocks.openai.setBehavior({ status: 500 });
  await send("gpt-4o", { "x-lectr-feature": "search" });
  f.mocks.openai.reset();
  await send(hostileModel, { "x-lectr-feature": hostileFeature });
  expect((await f.lectr.events()).length).toBe(9);
  b = await openBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await f?.stop();
});

const totals = "requests errorRate costUsd inputTokens cachedInputTokens outputTokens reasoningTokens unpricedRequests";

/** Each view, and what shows once its data is in. */
const views: [string, string][] = [
  ["overview", "[data-stat=costUsd]"],
  ["changes", "table[data-table=changes]"],
  ["models", "table[data-table=models]"],
  ["explore", "table[data-table=explore]"],
  ["health", "table[data-table=health]"],
  ["events", "table[data-table=events]"],
  ["spend-less", "[data-rec]"],
  ["budgets", "form[aria-labelledby=new-budget-title]"],
  ["settings", "input[name=endpoint]"],
  ["settings?tab=keys&", "table[data-table=keys]"],
  ["settings?tab=prices&", "table[data-table=unpriced]"],
  ["settings?tab=zone&", "input[name=timeZone]"],
  ["api", "dl.api-fields"],
];

describe("the dashboard in a browser", () => {
  test("a wrong key: a clear error, and nothing is kept", async () => {
    await b.page.goto(`${f.lectr.url}/`);
    await b.page.getByLabel(/Org key/).fill("lk_not_a_real_key");
    await b.page.getByRole("button", { name: "Sign in" }).click();
    await expect(b.page.getByRole("alert").textContent()).resolves.toBe("Not signed in: The key in X-Lectr-Key is not valid.");
    expect(await b.page.evaluate(() => sessionStorage.length)).toBe(0);
    await b.shot("sign-in-error");
  });

  test("overview: every total equals the GraphQL answer, and the unpriced requests are called out", async () => {
    await signIn(b.page, f.lectr.url, f.lectr.key);
    await b.page.locator("[data-stat=costUsd]").waitFor();
    const r = await gql(`{ usageGroups(period: { preset: LAST_24_HOURS }) { total { ${totals} } } costBreakdown(period: { preset: LAST_24_HOURS }) { totalCostUsd requests } modelDistribution(period: { preset: LAST_24_HOURS }) { model provider requests costUsd } }`);
    const t = r.data.usageGroups.total;
    const shown = await b.page.locator("[aria-label=Totals] [data-stat]").evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute("data-stat"), { value: Number(e.getAttribute("data-value")), text: e.querySelector(".stat-value")!.textContent }])),
    );
    expect(shown).toEqual({
      costUsd: { value: t.costUsd, text: money(t.costUsd) },
      requests: { value: 9, text: "9" },
      inputTokens: { value: t.inputTokens, text: count(t.inputTokens) },
      cachedInputTokens: { value: t.cachedInputTokens, text: count(t.cachedInputTokens) },
      outputTokens: { value: t.outputTokens, text: count(t.outputTokens) },
      reasoningTokens: { value: t.reasoningTokens, text: count(t.reasoningTokens) },
      errorRate: { value: 1 / 9, text: percent(1 / 9) },
    });
    // the rollup-backed totals agree with the event sums the page shows
    expect(r.data.costBreakdown.requests).toBe(t.requests);
    expect(r.data.costBreakdown.totalCostUsd).toBeCloseTo(t.costUsd, 12);
    expect(t.costUsd).toBeGreaterThan(0);
    await expect(b.page.locator("[data-unpriced]").getAttribute("data-unpriced")).resolves.toBe(String(t.unpricedRequests));
    expect(t.unpricedRequests).toBeGreaterThan(0);
    const top = [...r.data.modelDistribution].sort((a: { costUsd: number }, c: { costUsd: number }) => c.costUsd - a.costUsd).slice(0, 8);
    expect((await tableText(b.page, "top-models")).slice(1).map((row) => [row[0], row[2], row[3]])).toEqual(top.map((m: { model: string; requests: number; costUsd: number }) => [m.model, count(m.requests), money(m.costUsd)]));
    await b.page.locator(".chart .uplot").first().waitFor();
    await b.shot("overview");
  });

  test("the provider filter lives in the URL: it survives a reload and follows to other views", async () => {
    await b.page.locator("select[name=provider]").selectOption("ANTHROPIC");
    await b.page.waitForURL(/provider=ANTHROPIC/);
    await b.page.locator("[data-stat=requests][data-value='1']").waitFor();
    const r = await gql(`{ usageGroups(period: { preset: LAST_24_HOURS }, filter: { provider: ANTHROPIC }) { total { costUsd requests } } }`);
    await b.page.reload();
    await b.page.locator("[data-stat=requests]").waitFor();
    expect(await b.page.locator("select[name=provider]").inputValue()).toBe("ANTHROPIC");
    await expect(b.page.locator("[data-stat=costUsd] .stat-value").textContent()).resolves.toBe(money(r.data.usageGroups.total.costUsd));
    await b.page.getByRole("link", { name: "Models" }).click();
    await b.page.waitForURL(/#\/models\?.*provider=ANTHROPIC/);
    await b.page.locator("table[data-table=models]").waitFor();
    expect((await tableText(b.page, "models")).slice(1).map((row) => row[0])).toEqual(["claude-3-5-sonnet-20241022"]);
  });

  test("a custom period lives in the URL too, and the totals are the API's for exactly that period", async () => {
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("select[name=period]").selectOption("custom");
    await b.page.waitForURL(/period=custom&from=.*&to=/);
    // the inputs are local time (UTC in this browser): from an hour ago to an hour ahead, then from the future on
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const now = Date.now();
    await b.page.locator("input[name=from]").fill(at(now - 3_600_000));
    await b.page.locator("input[name=to]").fill(at(now + 3_600_000));
    await b.page.locator("input[name=to]").press("Tab");
    await b.page.locator("[data-stat=requests][data-value='9']").waitFor();
    await b.page.locator("input[name=from]").fill(at(now + 60_000));
    await b.page.locator("input[name=from]").press("Tab");
    const r = await gql(`query($from: DateTime!, $to: DateTime!) { usageGroups(period: { from: $from, to: $to }) { total { requests } } }`, {
      from: `${at(now + 60_000)}:00Z`,
      to: `${at(now + 3_600_000)}:00Z`,
    });
    expect(r.data.usageGroups.total.requests).toBe(0);
    await b.page.locator("[data-stat=requests][data-value='0']").waitFor();
    expect(new URL(b.page.url()).hash).toContain(`from=${encodeURIComponent(at(now + 60_000))}`);
  });

  test("models: the table equals modelDistribution, CSV equals the table, a model opens its events", async () => {
    await b.page.goto(`${f.lectr.url}/#/models?period=24h`);
    await b.page.locator("table[data-table=models]").waitFor();
    const r = await gql(`{ modelDistribution(period: { preset: LAST_24_HOURS }) { model provider requests costUsd avgLatencyMs p95LatencyMs inputTokens outputTokens errorRate unpricedRequests } }`);
    const table = await tableText(b.page, "models");
    const byModel = new Map(table.slice(1).map((row) => [row[0], row]));
    expect(byModel.size).toBe(r.data.modelDistribution.length);
    // one money format for the column; requests without a price read "unknown", never $0.00
    type M = { costUsd: number; requests: number; unpricedRequests: number; inputTokens: number; outputTokens: number };
    const models: M[] = r.data.modelDistribution;
    const usd = moneyColumn(models.map((m) => m.costUsd));
    const total = models.reduce((sum, m) => sum + m.costUsd, 0);
    const perRequest = moneyColumn(models.map((m) => (m.unpricedRequests ? null : m.costUsd / m.requests)));
    const perMTok = moneyColumn(models.map((m) => (m.unpricedRequests ? null : (m.costUsd / (m.inputTokens + m.outputTokens)) * 1e6)));
    expect(byModel.get(hostileModel)![3]).toBe("unknown");
    // efficiency: an unpriced model's cost per request is unknown, not $0
    expect(byModel.get(hostileModel)![5]).toBe("unknown");
    for (const m of r.data.modelDistribution) {
      expect(byModel.get(m.model)!.slice(2)).toEqual([
        count(m.requests),
        spend(m.costUsd, m.requests, m.unpricedRequests, usd),
        percent(m.costUsd / total),
        perRequest(m.unpricedRequests ? null : m.costUsd / m.requests),
        perMTok(m.unpricedRequests ? null : (m.costUsd / (m.inputTokens + m.outputTokens)) * 1e6),
        duration(m.avgLatencyMs),
        duration(m.p95LatencyMs),
        count(m.inputTokens),
        count(m.outputTokens),
        percent(m.errorRate),
      ]);
    }
    const [download] = await Promise.all([b.page.waitForEvent("download"), b.page.locator("[data-csv=models]").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(parseCsv(csv)).toEqual(table);
    await b.shot("models");

    await b.page.getByRole("link", { name: "gpt-4o", exact: true }).click();
    await b.page.waitForURL(/model=gpt-4o&mprovider=OPENAI/);
    await b.page.locator("table[data-table=model-events]").waitFor();
    const events = await tableText(b.page, "model-events");
    expect(events.slice(1).map((row) => row[2])).toEqual(["gpt-4o", "gpt-4o", "gpt-4o"]);
    await b.shot("models-detail");
  });

  test("explore: grouped by feature, the tail and the total; a group opens exactly its events", async () => {
    await b.page.goto(`${f.lectr.url}/#/explore?period=24h&by=FEATURE`);
    await b.page.locator("table[data-table=explore]").waitFor();
    const table = await tableText(b.page, "explore");
    const r = await gql(`{ usageGroups(period: { preset: LAST_24_HOURS }, by: [FEATURE], limit: 15) { groups { labels requests costUsd } total { requests } } }`);
    expect(table.slice(1, -1).map((row) => [row[0], row[1], row[2]])).toEqual(r.data.usageGroups.groups.map((g: { labels: string[]; requests: number; costUsd: number }) => [g.labels[0] ?? "(none)", count(g.requests), money(g.costUsd)]));
    expect(table.at(-1)!.slice(0, 2)).toEqual(["Total", "9"]);
    await b.shot("explore");

    await b.page.locator("table[data-table=explore]").getByRole("link", { name: "support-bot" }).click();
    await b.page.waitForURL(/#\/events\?.*feature=support-bot/);
    await b.page.locator("table[data-table=events] tbody tr").first().waitFor();
    const events = await tableText(b.page, "events");
    expect(events.slice(1).map((row) => [row[2], row[7]])).toEqual([
      ["gpt-4o", "support-bot"],
      ["gpt-4o", "support-bot"],
    ]);
  });

  test("events: a request id finds its one request; the drawer shows every recorded column", async () => {
    const [newest] = await f.lectr.events();
    await b.page.goto(`${f.lectr.url}/#/events?period=24h`);
    await b.page.locator("table[data-table=events] tbody tr").nth(8).waitFor();
    await b.page.getByLabel("x-lectr-request-id").fill(newest!.id);
    // a search field commits its value when it loses focus
    await b.page.getByLabel("x-lectr-request-id").press("Tab");
    await b.page.waitForURL(new RegExp(`id=${newest!.id}`));
    await waitFor(async () => (await tableText(b.page, "events")).length === 2, { message: "the search did not narrow the list to one request" });
    expect((await tableText(b.page, "events"))[1]![2]).toBe(hostileModel);
    await b.page.locator("table[data-table=events] tbody button").first().click();
    const drawer = b.page.getByRole("dialog");
    await drawer.waitFor();
    const fields = await drawer.locator("dl div").evaluateAll((ds) => Object.fromEntries(ds.map((d) => [d.querySelector("dt")!.textContent, d.querySelector("dd")!.textContent])));
    expect(fields).toMatchObject({ id: newest!.id, model: hostileModel, feature: hostileFeature, keyId: newest!.key_id, status: "200", priceKnown: "false" });
    // every stored column but org_id (the org is the one signed in)
    expect(Object.keys(fields).length).toBe(Object.keys(newest!).length - 1);
    await b.shot("events-drawer");
    await b.page.keyboard.press("Escape");
  });

  test("a model and a feature tag made of HTML show as text: no dialog, no script, no image", async () => {
    await b.page.goto(`${f.lectr.url}/#/explore?period=24h&by=MODEL&by2=FEATURE`);
    await b.page.locator("table[data-table=explore]").waitFor();
    const table = await tableText(b.page, "explore");
    expect(table.some((row) => row[0] === hostileModel && row[1] === hostileFeature)).toBe(true);
    await b.page.goto(`${f.lectr.url}/#/models?period=24h`);
    await b.page.locator("table[data-table=models]").getByText(hostileModel, { exact: true }).waitFor();
    expect(await b.page.evaluate(() => ({ pwned: "__pwned" in window, images: document.querySelectorAll("img").length, scripts: document.querySelectorAll("body script").length }))).toEqual({
      pwned: false,
      images: 0,
      scripts: 0,
    });
    expect(b.dialogs).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  });

  test("every view: its data in at most two GraphQL requests; no serious or critical accessibility violation, light and dark; a screenshot of each", async () => {
    for (const scheme of ["light", "dark"] as const) {
      await b.page.emulateMedia({ colorScheme: scheme });
      for (const [view, ready] of views) {
        // the view's data is on the page, and nothing more is on its way
        await waitFor(() => b.graphqlPending === 0);
        b.graphqlRequests = 0;
        await b.page.goto(`${f.lectr.url}/#/${view}${view.includes("?") ? "" : "?"}period=24h`);
        await b.page.locator(ready).first().waitFor();
        await waitFor(() => b.graphqlPending === 0);
        expect({ view, scheme, loading: await b.page.getByText("Loading…").count() }).toEqual({ view, scheme, loading: 0 });
        const requests = b.graphqlRequests;
        expect({ view, requests, atMostTwo: requests > 0 && requests <= 2 }).toEqual({ view, requests, atMostTwo: true });
        expect({ view, scheme, violations: await accessibilityViolations(b.page) }).toEqual({ view, scheme, violations: [] });
        const name = view.replace(/\?tab=(\w+)&/, "-$1");
        await b.shot(scheme === "light" ? name : `${name}-dark`);
      }
    }
    await b.page.emulateMedia({ colorScheme: "light" });
  }, 120_000);

  test("with the keyboard alone: skip link, the views, a model's drill-down, an event's drawer opened and closed", async () => {
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.reload();
    await b.page.locator("[data-stat=costUsd]").waitFor();
    const focused = () => b.page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
    const tabTo = async (text: string) => {
      for (let i = 0; i < 80; i++) {
        await b.page.keyboard.press("Tab");
        if ((await focused()) === text) return;
      }
      throw new Error(`Tab never reached "${text}"`);
    };
    await b.page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await tabTo("Models");
    await b.page.keyboard.press("Enter");
    await b.page.waitForURL(/#\/models/);
    await b.page.locator("table[data-table=models]").waitFor();
    await tabTo("gpt-4o");
    await b.page.keyboard.press("Enter");
    await b.page.locator("table[data-table=model-events]").waitFor();
    await tabTo("Events");
    await b.page.keyboard.press("Enter");
    await b.page.locator("table[data-table=events] tbody tr").first().waitFor();
    const first = await b.page.locator("table[data-table=events] tbody button").first().textContent();
    await tabTo(first!);
    await b.page.keyboard.press("Enter");
    await b.page.getByRole("dialog").waitFor();
    await b.page.keyboard.press("Escape");
    await b.page.getByRole("dialog").waitFor({ state: "detached" });
  });

  test("the API view runs a query with the signed-in key and shows the answer as text", async () => {
    await b.page.goto(`${f.lectr.url}/#/api`);
    await b.page.getByLabel("Operation", { exact: true }).fill("{ usageGroups(period: { preset: LAST_24_HOURS }) { total { requests costUsd } } }");
    await b.page.getByRole("button", { name: "Run" }).click();
    const answer = await b.page.locator("[data-answer]").textContent();
    const r = await gql(`{ usageGroups(period: { preset: LAST_24_HOURS }) { total { requests costUsd } } }`);
    expect(answer).toBe(`HTTP 200\n${JSON.stringify({ data: r.data }, null, 2)}`);
    await b.page.locator("dl.api-fields").getByText(/^usageGroups\(/).waitFor();
  });

  test("on a phone: the overview fits the screen's width", async () => {
    await b.page.setViewportSize({ width: 390, height: 844 });
    await b.page.goto(`${f.lectr.url}/#/overview?period=24h`);
    await b.page.locator("[data-stat=costUsd]").waitFor();
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await b.shot("overview-phone");
    await b.page.setViewportSize({ width: 1280, height: 900 });
  });

  test("no request left loopback; nothing the Content-Security-Policy refused, and no other console error but the wrong key's 401", () => {
    expect(b.offLoopback).toEqual([]);
    expect(b.consoleErrors).toEqual(["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);
  });
});

/** RFC 4180, enough for the dashboard's own CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") rows.push([...row, cell]), (row = []), (cell = ""), i++;
    else cell += c;
  }
  return rows;
}
