/**
 * The sync round over a real database file, with an injected clock: spend
 * read from written events, leases that never add up past the room left,
 * alerts claimed once across replicas, and the period rolling over.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createOrg } from "../../src/db/orgs.ts";
import { insertEvents } from "../../src/db/events.ts";
import { insertBudget } from "../../src/db/budgets.ts";
import { createBudgetSync } from "../../src/budgets/sync.ts";
import type { AlertFacts } from "../../src/budgets/webhook.ts";
import { eventRow } from "../helpers/rows.ts";

let dir: string;
let database: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lectr-budget-sync-"));
  database = await openDatabase(`file:${join(dir, "x.db")}`);
  await migrate(database.client);
});
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

test("two replicas: spend from the events, leases within the room left, alerts once, rollover at midnight", async () => {
  const { org, keyRow } = await createOrg(database.db, "acme");
  const day1 = Date.parse("2026-03-14T10:00:00Z");
  const midnight = Date.parse("2026-03-15T00:00:00Z");
  let now = day1;
  const alerts: AlertFacts[] = [];
  const replica = (replicaId: string) => createBudgetSync({ client: database.client, replicaId, now: () => now, onAlert: (a) => alerts.push(a) });
  const [a, b] = [await replica("a"), await replica("b")];
  const budget = (await insertBudget(
    database.client,
    org.id,
    { name: "daily", feature: null, task: null, keyId: null, provider: null, model: null, period: "day", timeZone: "UTC", amountUsd: 1, thresholds: [50, 100], action: "block", exempt: [] },
    100,
    now,
  ))!;
  const spend = (at: number, usd: number, feature: string | null = null) => insertEvents(database.writePath, [eventRow(org.id, keyRow.id, at, { cost_usd: usd, feature })]);

  await spend(day1 - 3_600_000, 0.3);
  await spend(day1 - 48 * 3_600_000, 5); // two days ago: another period
  const first = await a.round([]);
  expect(first.definitions?.budgets.map((x) => x.id)).toEqual([budget.id]);
  expect(first.spent).toEqual([{ budgetId: budget.id, start: Date.parse("2026-03-14T00:00:00Z"), usd: 0.3, forecastUsd: expect.any(Number), unknownCostCalls: 0 }]);

  // b sees a's hold (use 0.2 + lease); both leases together stay within 1 − 0.3
  const start = first.spent[0]!.start;
  const r1 = await a.round([{ subjectId: budget.id, windowStart: start, reservedUsd: 0.2, requests: 0, tokens: 0, demand: 0.2, want: 0, leftUsd: 0, leftRequests: 0, leftTokens: 0, pendingUsd: 0 }]);
  const r2 = await b.round([{ subjectId: budget.id, windowStart: start, reservedUsd: 0, requests: 0, tokens: 0, demand: 0.1, want: 0, leftUsd: 0, leftRequests: 0, leftTokens: 0, pendingUsd: 0 }]);
  const leaseA = r1.leases[0]!.usd;
  const leaseB = r2.leases[0]!.usd;
  expect(r2.replicas).toBe(2);
  expect(r2.remote).toEqual([expect.objectContaining({ subjectId: budget.id, reservedUsd: 0.2, leaseUsd: leaseA })]);
  expect(leaseA).toBeGreaterThan(0);
  expect(0.3 + 0.2 + leaseA + leaseB).toBeLessThanOrEqual(1 + 1e-12);

  // $0.30 in the last hours of a 10-hour-old day: the forecast passes $1 before the money is gone
  expect(first.spent[0]!.forecastUsd).toBeGreaterThan(1);
  expect(alerts.map((x) => [x.alert.kind, x.alert.threshold])).toEqual([["forecast", 100]]);
  // a's lease shrinks as b asks more, but until a's request thread has the answer it may still use what it had:
  // a's published hold covers that, with its unwritten costs beside the lease
  const r3 = await a.round([{ subjectId: budget.id, windowStart: start, reservedUsd: 0.25, requests: 0, tokens: 0, demand: 0, want: 0, leftUsd: 0.3, leftRequests: 0, leftTokens: 0, pendingUsd: 0.05 }]);
  const holdA = (await database.client.execute({ sql: "SELECT reserved_usd, lease_usd FROM budget_shares WHERE replica_id = 'a' AND subject_id = ?", args: [budget.id] })).rows[0]!;
  expect(r3.leases[0]!.usd).toBeLessThan(0.3);
  expect([Number(holdA.reserved_usd), Number(holdA.lease_usd)]).toEqual([0.2, 0.3 + 0.05]);

  // 0.3 → 0.6: the 50 % alert, claimed by exactly one replica
  await spend(day1 + 1000, 0.3);
  const ra = await a.round([]);
  const rb = await b.round([]);
  expect([ra.spent[0]!.usd, rb.spent[0]!.usd].map((x) => Number(x.toFixed(9)))).toEqual([0.6, 0.6]);
  expect(ra.written.length + rb.written.length).toBe(2);
  expect(alerts.map((x) => [x.alert.kind, x.alert.threshold])).toEqual([
    ["forecast", 100],
    ["threshold", 50],
  ]);
  await a.round([]);
  await b.round([]);
  expect(alerts.length).toBe(2);

  // midnight: the new day starts from zero and may alert again
  now = midnight;
  const after = await a.round([]);
  expect(after.spent).toEqual([{ budgetId: budget.id, start: midnight, usd: 0, forecastUsd: 0, unknownCostCalls: 0 }]);
  await spend(midnight + 5, 0.55);
  await b.round([]);
  expect(alerts.map((x) => [x.alert.kind, x.alert.threshold, x.alert.periodStart])).toEqual([
    ["forecast", 100, start],
    ["threshold", 50, start],
    ["threshold", 50, midnight],
  ]);
  const claimed = await database.client.execute({ sql: "SELECT count(*) AS n FROM budget_alerts WHERE budget_id = ?", args: [budget.id] });
  expect(Number(claimed.rows[0]!.n)).toBe(3);
});
