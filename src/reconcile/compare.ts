/**
 * The comparison, pure: the provider's usage and cost reports against what
 * Lectr recorded, per UTC day × model, plus the provider's own breakdown per
 * key / project / workspace. Every dollar figure is rounded to a micro-dollar
 * so stored rows compare exactly.
 *
 *   gap (billed − Lectr's cost) = drift (billed − Lectr's prices on the provider's tokens)
 *                               + unseen (Lectr's prices on the provider's tokens − Lectr's cost)
 *
 * so a wrong price and spend that bypassed Lectr show apart.
 */
import { countKeys, type CostLine, type Counts, type LectrLine, type ReconRow, type RowStatus, type Sources, type UsageLine } from "./types.ts";

export const dayMs = 86_400_000;
/** Both providers say the last 24–48 h may still change; a day is settled once it ended more than 48 h ago. */
export const provisionalLagMs = 48 * 3_600_000;
/** Dollars match within 1 % or 1 cent, whichever is more (see docs/reconciliation.md). */
export const usdTolerance = { relative: 0.01, absolute: 0.01 };
/** Counts match within 1 %: a request straddling midnight lands on different days in the two ledgers. */
export const countTolerance = 0.01;
/** The model of a cost line that names none (web search, storage, an unreadable line item). */
export const otherCharges = "(other charges)";

export const micro = (usd: number): number => Math.round(usd * 1e6) / 1e6;

export const noCounts: Counts = { requests: null, uncachedInput: null, cacheRead: null, cacheWrite5m: null, cacheWrite1h: null, output: null };

/** Adds class by class; a class is null only when neither side reported it. */
export function addCounts(a: Counts, b: Counts): Counts {
  const out = { ...a };
  for (const k of countKeys) out[k] = a[k] === null && b[k] === null ? null : (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

/** Zero for each class the side reports, null for the rest. */
export const zeroLike = (shape: Counts): Counts => Object.fromEntries(countKeys.map((k) => [k, shape[k] === null ? null : 0])) as unknown as Counts;

const noSources = (s: Sources) => s.apiKeyIds.size === 0 && s.projectIds.size === 0;

export function usageInSources(line: Pick<UsageLine, "apiKeyId" | "projectId">, s: Sources): boolean {
  if (noSources(s)) return true;
  return (line.apiKeyId !== null && s.apiKeyIds.has(line.apiKeyId)) || (line.projectId !== null && s.projectIds.has(line.projectId));
}

/** Cost reports break down by project / workspace only: an org known only by its API keys has no billed amount of its own. */
export const costsAttributable = (s: Sources): boolean => noSources(s) || s.projectIds.size > 0;

export const costInSources = (line: CostLine, s: Sources): boolean => noSources(s) || (line.projectId !== null && s.projectIds.has(line.projectId));

export const isProvisional = (day: number, now: number): boolean => day + dayMs > now - provisionalLagMs;

export function withinUsd(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(usdTolerance.absolute, usdTolerance.relative * Math.max(Math.abs(a), Math.abs(b))) + 1e-9;
}

export const withinCount = (a: number, b: number): boolean => Math.abs(a - b) <= countTolerance * Math.max(a, b);

export function rowStatus(row: Pick<ReconRow, "day" | "lectr" | "lectrCostUsd" | "provider" | "billedUsd" | "expectedUsd">, now: number): RowStatus {
  if (isProvisional(row.day, now)) return "provisional";
  const paid = row.billedUsd ?? row.expectedUsd;
  if (paid !== null && row.lectrCostUsd !== null && !withinUsd(paid, row.lectrCostUsd)) return "mismatched";
  if (row.billedUsd !== null && row.expectedUsd !== null && !withinUsd(row.billedUsd, row.expectedUsd)) return "mismatched";
  for (const k of countKeys) {
    const p = row.provider[k];
    const l = row.lectr?.[k] ?? null;
    if (p !== null && l !== null && !withinCount(p, l)) return "mismatched";
  }
  return "matched";
}

export interface CompareInput {
  usage: readonly UsageLine[];
  costs: readonly CostLine[];
  lectr: readonly LectrLine[];
  sources: Sources;
  /** Which classes this provider reports (0) and which it does not (null). */
  reports: Counts;
  /** `project` (OpenAI) or `workspace` (Anthropic): how a project id is named in a source. */
  projectKind: "project" | "workspace";
  /** Lectr's price book applied to counts: null when the model has no price. */
  expected(day: number, model: string, counts: Counts): number | null;
  now: number;
}

const key = (day: number, model: string) => `${day}\u0000${model}`;

function sumInto<T>(map: Map<string, T>, k: string, v: T, add: (a: T, b: T) => T) {
  const prev = map.get(k);
  map.set(k, prev === undefined ? v : add(prev, v));
}

export function compareReports(input: CompareInput): ReconRow[] {
  const { sources, reports, now } = input;
  const usage = input.usage.filter((u) => usageInSources(u, sources));
  const billedKnown = costsAttributable(sources);
  const costs = billedKnown ? input.costs.filter((c) => costInSources(c, sources)) : [];

  const providerByModel = new Map<string, Counts>();
  const providerBySource = new Map<string, { day: number; model: string; source: string; counts: Counts }>();
  for (const u of usage) {
    sumInto(providerByModel, key(u.day, u.model), u.counts, addCounts);
    const source = u.apiKeyId !== null ? `api_key:${u.apiKeyId}` : u.projectId !== null ? `${input.projectKind}:${u.projectId}` : null;
    if (source) {
      const k = `${key(u.day, u.model)}\u0000${source}`;
      const prev = providerBySource.get(k);
      providerBySource.set(k, { day: u.day, model: u.model, source, counts: prev ? addCounts(prev.counts, u.counts) : u.counts });
    }
  }
  const billedByModel = new Map<string, number>();
  for (const c of costs) sumInto(billedByModel, key(c.day, c.model ?? otherCharges), c.usd, (a, b) => a + b);
  const lectrByModel = new Map(input.lectr.map((l) => [key(l.day, l.model), l]));

  const keys = new Set([...providerByModel.keys(), ...billedByModel.keys(), ...lectrByModel.keys()]);
  const rows: ReconRow[] = [];
  const statusOf = new Map<string, RowStatus>();
  for (const k of keys) {
    const [dayText, model] = k.split("\u0000") as [string, string];
    const day = Number(dayText);
    const provider = providerByModel.get(k) ?? zeroLike(reports);
    const l = lectrByModel.get(k);
    const lectr = l ? l.counts : zeroLike(reports);
    const lectrCostUsd = l ? l.costUsd : 0;
    const billedUsd = billedKnown ? micro(billedByModel.get(k) ?? 0) : null;
    const expected = input.expected(day, model, provider);
    const expectedUsd = expected === null ? null : micro(expected);
    // Unpriced by Lectr: what the provider billed for what Lectr never saw is all Lectr can say.
    const unseenUsd =
      expectedUsd !== null && lectrCostUsd !== null ? micro(expectedUsd - lectrCostUsd) : lectr.requests === 0 && billedUsd !== null ? billedUsd : null;
    const driftUsd = billedUsd !== null && expectedUsd !== null ? micro(billedUsd - expectedUsd) : null;
    const base = { day, model, source: "", lectr, lectrCostUsd: lectrCostUsd === null ? null : micro(lectrCostUsd), provider, billedUsd, expectedUsd, unseenUsd, driftUsd };
    const status = rowStatus(base, now);
    statusOf.set(k, status);
    rows.push({ ...base, status });
  }
  // the provider's own breakdown: billed per project / workspace when the cost report gives it
  const billedBySource = new Map<string, number>();
  for (const c of costs) if (c.projectId !== null) sumInto(billedBySource, `${key(c.day, c.model ?? otherCharges)}\u0000${input.projectKind}:${c.projectId}`, c.usd, (a, b) => a + b);
  for (const [k, s] of providerBySource) {
    const expected = input.expected(s.day, s.model, s.counts);
    const billed = s.source.startsWith("api_key:") ? null : micro(billedBySource.get(k) ?? 0);
    rows.push({
      day: s.day,
      model: s.model,
      source: s.source,
      lectr: null,
      lectrCostUsd: null,
      provider: s.counts,
      billedUsd: billed,
      expectedUsd: expected === null ? null : micro(expected),
      unseenUsd: null,
      driftUsd: billed !== null && expected !== null ? micro(billed - expected) : null,
      status: statusOf.get(key(s.day, s.model)) ?? "matched",
    });
  }
  return rows.sort((a, b) => a.day - b.day || a.model.localeCompare(b.model) || a.source.localeCompare(b.source));
}

/** A day's totals for one provider: what the gauges and alerts read. */
export function dayTotals(rows: readonly ReconRow[]): { day: number; lectrUsd: number; billedUsd: number; unseenUsd: number; driftUsd: number; provisional: boolean }[] {
  const byDay = new Map<number, { day: number; lectrUsd: number; billedUsd: number; unseenUsd: number; driftUsd: number; provisional: boolean }>();
  for (const r of rows) {
    if (r.source !== "") continue;
    const t = byDay.get(r.day) ?? { day: r.day, lectrUsd: 0, billedUsd: 0, unseenUsd: 0, driftUsd: 0, provisional: false };
    t.lectrUsd = micro(t.lectrUsd + (r.lectrCostUsd ?? 0));
    t.billedUsd = micro(t.billedUsd + (r.billedUsd ?? 0));
    t.unseenUsd = micro(t.unseenUsd + (r.unseenUsd ?? 0));
    t.driftUsd = micro(t.driftUsd + (r.driftUsd ?? 0));
    t.provisional ||= r.status === "provisional";
    byDay.set(r.day, t);
  }
  return [...byDay.values()].sort((a, b) => a.day - b.day);
}
