/**
 * One org's budget changes cannot stall the sync round every org shares:
 * org A (many events, 100 budgets re-scoped at once) has its sums spread
 * over rounds in turns between orgs, while org B's new spend and its own
 * change show in the very next round; budgets still being summed refuse
 * with a retryable 429, never admit on a $0 they do not know; and an org's
 * budget and limit changes are bounded per minute.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { insertEvents } from "../../src/db/events.ts";
import { insertBudget, updateBudget, type BudgetFields } from "../../src/db/budgets.ts";
import { createBudgetSync } from "../../src/budgets/sync.ts";
import { loadOrder, loadTrackers, newTracker } from "../../src/budgets/tracker-load.ts";
import { createBudgetGuard } from "../../src/budgets/guard.ts";
import { createChangeLimiter } from "../../src/budgets/change-limit.ts";
import { eventRow } from "../helpers/rows.ts";

let dir: string;
let database: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lectr-budget-fair-"));
  database = await openDatabase(`file:${join(dir, "x.db")}`);
  await migrate(database.client);
});
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const fields = (over: Partial<BudgetFields>): BudgetFields => ({
  name: "b",
  feature: null,
  task: null,
  keyId: null,
  provider: null,
  model: null,
  period: "month",
  timeZone: "UTC",
  amountUsd: 1000,
  thresholds: [],
  action: "block",
  exempt: [],
  ...over,
});

test("org A re-scoping 100 budgets over its 20,000 events: org B's spend and change show in the next round; A's sums follow in later rounds", async () => {
  const now = Date.parse("2026-03-20T12:00:00Z");
  const a = await createOrg(database.db, "busy");
  const b = await createOrg(database.db, "quiet");
  // A's month: 20,000 events over 20 features
  for (let batch = 0; batch < 20; batch++) {
    await insertEvents(
      database.writePath,
      Array.from({ length: 1000 }, (_, i) => eventRow(a.org.id, a.keyRow.id, now - 86_400_000 + batch * 1000 + i, { cost_usd: 0.001, feature: `f${i % 20}` })),
    );
  }
  const aBudgets = [];
  for (let i = 0; i < 100; i++) aBudgets.push((await insertBudget(database.client, a.org.id, fields({ name: `a${i}`, feature: `f${i % 20}` }), 100, now))!);
  const bBudget = (await insertBudget(database.client, b.org.id, fields({ name: "quiet" }), 100, now))!;

  const sync = await createBudgetSync({ client: database.client, replicaId: "r", now: () => now, onAlert: () => {} });
  let t0 = performance.now();
  const first = await sync.round([]);
  const firstMs = performance.now() - t0;
  // before serving, every budget has its figures
  expect([first.loading, first.spent.length]).toEqual([undefined, 101]);

  // A re-scopes all 100 (each to a scope of its own: no sum can be shared); B spends $0.25 and raises its budget
  for (const [i, x] of aBudgets.entries()) await updateBudget(database.client, a.org.id, x.id, fields({ name: `a${i}`, feature: `f${(i + 1) % 20}`, task: i < 50 ? null : "chat", model: `gpt-${i}*` }), now);
  await insertEvents(database.writePath, [eventRow(b.org.id, b.keyRow.id, now - 1000, { cost_usd: 0.25 })]);
  await updateBudget(database.client, b.org.id, bBudget.id, fields({ name: "quiet", amountUsd: 2000 }), now);

  t0 = performance.now();
  const next = await sync.round([]);
  const roundMs = [performance.now() - t0];
  // B: the new amount and its spend, in the next round
  expect(next.definitions?.budgets.find((x) => x.id === bBudget.id)?.amountUsd).toBe(2000);
  expect(next.spent.find((s) => s.budgetId === bBudget.id)?.usd).toBeCloseTo(0.25, 12);
  expect(next.loading ?? []).not.toContain(bBudget.id);
  // A: what is still being summed has no figures, so no lease or alert goes on a $0 that is not known
  for (const id of next.loading ?? []) expect(next.spent.some((s) => s.budgetId === id)).toBe(false);
  // every round sums at least one, so A gets there
  let loading = next.loading?.length ?? 0;
  let rounds = 1;
  while (loading > 0) {
    t0 = performance.now();
    const r = await sync.round([]);
    roundMs.push(performance.now() - t0);
    const left = r.loading?.length ?? 0;
    expect(left).toBeLessThan(loading);
    loading = left;
    rounds++;
  }
  const last = await sync.round([]);
  expect(last.spent.length).toBe(101);
  console.log(
    `sync over 20,000 events of org A: first round (every sum) ${firstMs.toFixed(0)} ms; A re-scoping 100 budgets took ${rounds} rounds of at most ${Math.max(...roundMs).toFixed(0)} ms (median ${roundMs.sort((x, y) => x - y)[Math.floor(roundMs.length / 2)]!.toFixed(0)} ms); B current after 1`,
  );
});

describe("sums in turns", () => {
  const budget = (id: string, orgId: string) => ({
    id,
    orgId,
    name: id,
    scope: { feature: null, task: null, keyId: null, provider: null, model: null },
    period: "day" as const,
    timeZone: "UTC",
    amountUsd: 1,
    thresholds: [],
    action: "block" as const,
    exempt: [],
    createdAt: 0,
    updatedAt: 0,
  });

  test("each org's first budget, then each org's second, from a rotating start", () => {
    const ts = [budget("a1", "A"), budget("a2", "A"), budget("a3", "A"), budget("b1", "B"), budget("c1", "C"), budget("c2", "C")].map(newTracker);
    const ids = (offset: number) => loadOrder(ts, 0, offset).map((t) => t.budget.id);
    expect(ids(0)).toEqual(["a1", "b1", "c1", "a2", "c2", "a3"]);
    expect(ids(1)).toEqual(["b1", "c1", "a1", "c2", "a2", "a3"]);
  });

  test("a round stops starting sums when its time is spent, after at least one", async () => {
    const ts = [budget("a1", "A"), budget("a2", "A"), budget("b1", "B")].map(newTracker);
    let clock = 0;
    // each sum takes 50 "ms" of the fake clock: within 100, two start
    const loaded = await loadTrackers(database.client, loadOrder(ts, Date.parse("2026-03-20T12:00:00Z"), 0), 0, Date.parse("2026-03-20T12:00:00Z"), 100, () => (clock += 50));
    expect([loaded, ts.map((t) => t.loaded)]).toEqual([2, [true, false, true]]);
    const slow = [budget("x", "A")].map(newTracker);
    expect(await loadTrackers(database.client, slow, 0, Date.parse("2026-03-20T12:00:00Z"), 0, () => (clock += 1000))).toBe(1);
  });
});

test("a budget whose spend is still being summed answers 429 budget_contended, never admits on $0", () => {
  const g = createBudgetGuard();
  const t0 = Date.parse("2026-03-20T12:00:00Z");
  const b = { id: "b1", orgId: "o1", name: "re-scoped", scope: { feature: null, task: null, keyId: null, provider: null, model: null }, period: "day" as const, timeZone: "UTC", amountUsd: 1, thresholds: [], action: "block" as const, exempt: [] };
  const facts = { orgId: "o1", keyId: "k", feature: null, task: null, provider: "openai", model: "gpt-4o-mini", route: "/v1/chat/completions" };
  const est = () => ({ inputTokens: 1, outputTokens: 1, usd: 0.01 });
  g.apply({ definitions: { budgets: [b], limits: [] }, replicas: 1, spent: [], remote: [], leases: [], written: [], loading: ["b1"] }, t0);
  const held = g.admit(facts, est, t0);
  expect([held.ok, !held.ok && held.error.kind]).toEqual([false, "budget_contended"]);
  g.apply({ replicas: 1, spent: [{ budgetId: "b1", start: Date.parse("2026-03-20T00:00:00Z"), usd: 0.5, forecastUsd: 0.5 }], remote: [], leases: [], written: [] }, t0);
  expect(g.admit(facts, est, t0).ok).toBe(true);
});

test("an org may change its budgets and limits 100 times a minute", () => {
  const limiter = createChangeLimiter();
  const t0 = 1_000_000;
  const results = Array.from({ length: 101 }, (_, i) => limiter.take("A", t0 + i));
  expect(results.filter((r) => r.ok).length).toBe(100);
  expect(results[100]).toEqual({ ok: false, retryAfterS: 60 });
  // another org is not held up, and A may change again once its oldest change is a minute old
  expect([limiter.take("B", t0 + 200).ok, limiter.take("A", t0 + 60_000).ok]).toEqual([true, true]);
});
