/**
 * The Reconciliation view and the Overview's line in a real browser: the
 * table is exactly the GraphQL rows, a row opens its token classes and the
 * provider's per-key breakdown, and the Overview says "Recorded $X of billed $Y".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startAdminMock, type AdminMock } from "../helpers/mock/admin-apis.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { accessibilityViolations, openBrowser, signIn, tableText, type Browser } from "./harness.ts";
import { count, money } from "../../src/dashboard/ui/format.ts";
import { providerNames } from "../../src/dashboard/ui/components/period-bar.tsx";
import { dayA, dayMs, seedLectr, seedProviders, today } from "../reconcile/scenario.ts";

const openaiKey = "sk-admin-browser-0123456789abcdefgh";
const iso = (ms: number) => new Date(ms).toISOString();
const window = `period=custom&from=${encodeURIComponent(iso(dayA))}&to=${encodeURIComponent(iso(today + dayMs))}`;

let mock: AdminMock;
let l: TestLectr;
let gql: Gql;
let b: Browser;

beforeAll(async () => {
  mock = startAdminMock({ openai: openaiKey, anthropic: "sk-ant-admin01-unused-00000000000000" }, { pageBuckets: 31 });
  seedProviders(mock);
  l = await startLectr({ config: { secretsKey: "c".repeat(64) }, baseUrls: { openai: `${mock.url}/v1` } });
  await seedLectr(l);
  gql = gqlClient(l, orgKey(l.key));
  await gql(`mutation { setReconciliationAdminKey(provider: OPENAI, adminKey: "${openaiKey}") { enabled } }`);
  await gql(`mutation { setReconciliationSources(provider: OPENAI, sources: ["project:proj_app"]) { enabled } }`);
  const run = await gql(`mutation { runReconciliation(provider: OPENAI, from: "${iso(dayA)}", to: "${iso(today + dayMs)}") { status } }`);
  expect(run.data.runReconciliation.status).toBe("ok");
  b = await openBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await l?.stop();
  await mock?.stop();
});

describe("reconciliation in the dashboard", () => {
  test("the table is the API's rows; a row opens its classes and the provider's breakdown", async () => {
    await signIn(b.page, l.url, l.key);
    await b.page.goto(`${l.url}/#/reconciliation?${window}`);
    await b.page.locator("table[data-table=reconciliation]").waitFor();
    const api = await gql(`{ reconciliation(period: {from: "${iso(dayA)}", to: "${iso(today + dayMs)}"}) { recordedUsd billedUsd unseenUsd driftUsd rows { day provider model status recordedUsd billedUsd unseenUsd driftUsd recorded { requests } reported { requests } } } }`);
    const r = api.data.reconciliation;
    expect(r.rows.length).toBe(4);
    const status = { MATCHED: "matched", PROVISIONAL: "provisional", MISMATCHED: "mismatched" } as Record<string, string>;
    expect((await tableText(b.page, "reconciliation")).slice(1)).toEqual(
      r.rows.map((x: any) => [x.day.slice(0, 10), providerNames[x.provider], x.model, status[x.status], money(x.recordedUsd), money(x.billedUsd), money(x.unseenUsd), money(x.driftUsd), `${count(x.recorded.requests)} / ${count(x.reported.requests)}`]),
    );
    const shown = await b.page.locator("[data-stat]").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-stat"), Number(e.getAttribute("data-value"))])));
    expect(shown).toEqual({ recordedUsd: r.recordedUsd, billedUsd: r.billedUsd, unseenUsd: r.unseenUsd, driftUsd: r.driftUsd });

    // the gpt-4o row: its price is off, and the detail says so by name
    await b.page.getByRole("button", { name: "gpt-4o", exact: true }).click();
    await b.page.locator(`[data-detail="${iso(dayA)}|OPENAI|gpt-4o"]`).waitFor();
    expect(await b.page.locator("[data-detail]").textContent()).toContain(`the price of gpt-4o in Lectr's price book is off by ${money(0.014)}`);
    expect((await tableText(b.page, "reconciliation-classes")).slice(1)).toEqual([
      ["Requests", "4", "4"],
      ["Uncached input tokens", "40,000", "40,000"],
      ["Cache read tokens", "0", "0"],
      ["Cache write tokens (5 min)", "—", "—"],
      ["Cache write tokens (1 h)", "—", "—"],
      ["Output tokens", "4,000", "4,000"],
    ]);
    expect((await tableText(b.page, "reconciliation-sources")).slice(1)).toEqual([["api_key", "key_app", "4", "4,000", money(0.14), "—"]]);
    expect((await tableText(b.page, "reconciliation-runs")).slice(1).map((row) => row[3])).toEqual(["ok"]);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    expect({ offLoopback: b.offLoopback, pageErrors: b.pageErrors }).toEqual({ offLoopback: [], pageErrors: [] });
    await b.shot("reconciliation");
  });

  test("the Overview says how much of the bill Lectr recorded", async () => {
    await b.page.goto(`${l.url}/#/overview?${window}`);
    const line = b.page.locator("[data-reconciled]");
    await line.waitFor();
    const api = await gql(`{ reconciliation(period: {from: "${iso(dayA)}", to: "${iso(today + dayMs)}"}) { recordedUsd billedUsd unseenUsd } }`);
    const r = api.data.reconciliation;
    expect(await line.textContent()).toBe(`Recorded ${money(r.recordedUsd)} of billed ${money(r.billedUsd)} (${money(r.unseenUsd)} never went through Lectr). Reconciliation`);
  });
});
