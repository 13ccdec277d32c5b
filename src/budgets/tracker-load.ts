/**
 * Bringing budgets' recorded spend up from the database, fairly: a budget
 * whose period, scope or time zone changed sums its period's events again,
 * and for an org with many events that costs. One round takes turns between
 * orgs, one budget per org per turn, and stops starting new sums once its
 * time is used (at least one sum per round, so every budget gets there), so
 * one org re-scoping its budgets cannot stall the rounds every other org's
 * budgets, leases and changes wait for. Budgets of one org with the same
 * scope and period share one sum.
 */
import type { Client } from "@libsql/client";
import { periodBounds } from "./budget-period.ts";
import { claimedAlerts } from "../db/budget-alerts.ts";
import { budgetSpendByHour, budgetUnknownCostCalls } from "../db/budget-feed.ts";
import type { BudgetRow } from "../db/budgets.ts";

export interface Tracker {
  budget: BudgetRow;
  start: number;
  end: number;
  loaded: boolean;
  spentUsd: number;
  unknownCostCalls: number;
  hourly: Map<number, number>;
  /** `kind:threshold` already claimed this period, by any replica. */
  claimed: Set<string>;
}

export function newTracker(budget: BudgetRow): Tracker {
  return { budget, start: 0, end: 0, loaded: false, spentUsd: 0, unknownCostCalls: 0, hourly: new Map(), claimed: new Set() };
}

/** What one round may spend starting sums (ms); the first round loads everything, before the replica serves. */
export const loadBudgetMs = 100;

/** The trackers whose period is not loaded at `now`, in turns: each org's first, then each org's second, … from `offset`. */
export function loadOrder(trackers: Iterable<Tracker>, now: number, offset: number): Tracker[] {
  const byOrg = new Map<string, Tracker[]>();
  for (const t of trackers) {
    if (t.loaded && now < t.end && now >= t.start) continue;
    let list = byOrg.get(t.budget.orgId);
    if (!list) byOrg.set(t.budget.orgId, (list = []));
    list.push(t);
  }
  const orgs = [...byOrg.values()];
  if (orgs.length === 0) return [];
  const first = offset % orgs.length;
  const rotated = [...orgs.slice(first), ...orgs.slice(0, first)];
  const out: Tracker[] = [];
  for (let turn = 0; out.length < rotated.reduce((n, l) => n + l.length, 0); turn++) {
    for (const list of rotated) if (turn < list.length) out.push(list[turn]!);
  }
  return out;
}

/**
 * Loads trackers in `order` up to `cursor` (later events come from the
 * feed) until `budgetMs` is spent (Infinity: all). A period that rolled over
 * is loaded whatever the time: its sum covers only the new period's first
 * moments, and its budget must not wait. Returns how many loaded.
 */
export async function loadTrackers(client: Client, order: readonly Tracker[], cursor: number, now: number, budgetMs: number, clock: () => number = () => performance.now()): Promise<number> {
  const startedAt = clock();
  const sums = new Map<string, { hourly: Map<number, number>; unknown: number }>();
  let loaded = 0;
  let spent = false;
  for (const t of order) {
    const rolledOver = t.start !== 0;
    if (!rolledOver && loaded > 0 && (spent ||= clock() - startedAt >= budgetMs)) continue;
    const bounds = periodBounds(t.budget.period, t.budget.timeZone, now);
    if (bounds.start !== t.start) t.claimed = new Set();
    Object.assign(t, bounds);
    const key = JSON.stringify([t.budget.orgId, t.budget.scope, t.start, t.end]);
    let sum = sums.get(key);
    if (!sum) {
      const hourly = await budgetSpendByHour(client, t.budget, t.start, t.end, cursor);
      sum = { hourly, unknown: await budgetUnknownCostCalls(client, t.budget, t.start, t.end, cursor) };
      sums.set(key, sum);
    }
    t.hourly = new Map(sum.hourly);
    t.spentUsd = [...t.hourly.values()].reduce((a, b) => a + b, 0);
    t.unknownCostCalls = sum.unknown;
    for (const c of await claimedAlerts(client, t.budget.id, t.start)) t.claimed.add(`${c.kind}:${c.threshold}`);
    t.loaded = true;
    loaded++;
  }
  return loaded;
}
