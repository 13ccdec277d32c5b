/**
 * Usage over periods, exact to the millisecond: whole days and hours from the
 * rollups, the partial hours at a period's edges folded from events with the
 * same `addEvent` the writer uses. Composes rollups.ts and events.ts (it has no
 * SQL of its own): at most one statement per source.
 */
import type { Db } from "./client.ts";
import { eventsForRollup, type PartRange } from "./events.ts";
import { sumRollups, sumStatuses, type GroupKey, type RollupRange, type StatusRow, type UsageRow } from "./rollups.ts";
import { addEvent, addSums, emptySums } from "../stats/aggregate.ts";
import { floorTo, splitPeriod, type Period } from "../stats/period.ts";

export interface UsageQuery {
  orgId: string;
  /** The periods to answer; a row's `part` is its period's index here. */
  periods: readonly Period[];
  groupBy: readonly GroupKey[];
  provider?: string | null;
  model?: string | null;
  /** With `slot` in groupBy: an hour or a UTC day, in ms. */
  slotMs?: number;
  histogram?: boolean;
  /** Also count requests per provider and status. */
  statuses?: boolean;
}

export async function readUsage(db: Db, q: UsageQuery): Promise<{ rows: UsageRow[]; statuses: StatusRow[] }> {
  const rollupRanges: RollupRange[] = [];
  const eventRanges: PartRange[] = [];
  q.periods.forEach((period, part) => {
    const s = splitPeriod(period);
    // daily rollups drop the tags: grouped by task or feature, whole days are read from hourly rows
    const tagged = q.groupBy.includes("task") || q.groupBy.includes("feature");
    for (const r of s.days) rollupRanges.push({ part, span: tagged ? "hour" : "day", ...r });
    for (const r of s.hours) rollupRanges.push({ part, span: "hour", ...r });
    for (const r of s.events) eventRanges.push({ part, ...r });
  });
  const filter = { orgId: q.orgId, provider: q.provider, model: q.model };
  const [stored, statusRows, edge] = await Promise.all([
    sumRollups(db, { ...filter, ranges: rollupRanges, groupBy: q.groupBy, slotMs: q.slotMs, histogram: q.histogram }),
    q.statuses ? sumStatuses(db, { orgId: q.orgId, provider: q.provider, ranges: rollupRanges }) : Promise.resolve([]),
    eventsForRollup(db, { ...filter, ranges: eventRanges }),
  ]);

  const has = (k: GroupKey) => q.groupBy.includes(k);
  const rows = new Map<string, UsageRow>();
  const rowFor = (part: number, provider: string, model: string, slot: number, task: string, feature: string) => {
    const key = {
      part: has("part") ? part : 0,
      provider: has("provider") ? provider : "",
      model: has("model") ? model : "",
      slot: has("slot") ? slot : 0,
      ...(has("task") ? { task } : {}),
      ...(has("feature") ? { feature } : {}),
    };
    // JSON: free-form tags cannot collide through a separator
    const id = JSON.stringify([key.part, key.slot, key.provider, key.task ?? "", key.feature ?? "", key.model]);
    let row = rows.get(id);
    if (!row) {
      row = { ...key, ...emptySums() };
      rows.set(id, row);
    }
    return row;
  };
  for (const r of stored) addSums(rowFor(r.part, r.provider, r.model, r.slot, r.task ?? "", r.feature ?? ""), r);
  for (const e of edge) addEvent(rowFor(e.part, e.provider, e.model, has("slot") ? floorTo(e.created_at, q.slotMs!) : 0, e.task ?? "", e.feature ?? ""), e);

  const statuses = new Map<string, StatusRow>();
  const count = (part: number, provider: string, status: number, n: number) => {
    const id = `${part}|${provider}|${status}`;
    const s = statuses.get(id);
    if (s) s.requests += n;
    else statuses.set(id, { part, provider, status, requests: n });
  };
  for (const s of statusRows) count(s.part, s.provider, s.status, s.requests);
  if (q.statuses) for (const e of edge) count(e.part, e.provider, e.status, 1);

  return { rows: [...rows.values()], statuses: [...statuses.values()] };
}
