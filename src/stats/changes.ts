/**
 * What changed between two periods: per group (a provider, model, feature or
 * key), spend now and before, ranked by the size of the change in dollars.
 * Pure: the groups come from src/db/event-groups.ts for each period.
 */
import { changePct } from "./rates.ts";

export interface GroupSpend {
  values: (string | null)[];
  labels: (string | null)[];
  requests: number;
  cost_usd: number;
}

export interface SpendChange {
  /** As EventFilter takes it; null: untagged. */
  value: string | null;
  label: string | null;
  costUsd: number;
  previousCostUsd: number;
  changeUsd: number;
  /** Null when the previous period spent nothing. */
  changePct: number | null;
  requests: number;
  previousRequests: number;
}

/** Every group in either period, largest change (up or down) first; at most `limit`. */
export function rankChanges(current: readonly GroupSpend[], previous: readonly GroupSpend[], limit: number): SpendChange[] {
  const byValue = new Map<string, SpendChange>();
  const rowFor = (g: GroupSpend) => {
    const value = g.values[0] ?? null;
    const id = value === null ? "\u0000" : `=${value}`;
    let row = byValue.get(id);
    if (!row) {
      row = { value, label: g.labels[0] ?? null, costUsd: 0, previousCostUsd: 0, changeUsd: 0, changePct: null, requests: 0, previousRequests: 0 };
      byValue.set(id, row);
    }
    return row;
  };
  for (const g of current) {
    const row = rowFor(g);
    row.costUsd += g.cost_usd;
    row.requests += g.requests;
  }
  for (const g of previous) {
    const row = rowFor(g);
    row.previousCostUsd += g.cost_usd;
    row.previousRequests += g.requests;
  }
  return [...byValue.values()]
    .map((r) => ({ ...r, changeUsd: r.costUsd - r.previousCostUsd, changePct: changePct(r.costUsd, r.previousCostUsd) }))
    .sort((a, b) => Math.abs(b.changeUsd) - Math.abs(a.changeUsd) || b.costUsd - a.costUsd || String(a.value).localeCompare(String(b.value)))
    .slice(0, limit);
}
