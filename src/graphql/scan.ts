/**
 * What a query that reads events will scan, estimated before it runs: the
 * rows of the org's events in the period, from its recent volume (the daily
 * rollups, cached a minute). The cost limit (limits.ts) charges for them, and
 * a request estimated to scan many is heavy (a key may run only a few at once).
 */
import { dailyRequests } from "../db/org-volume.ts";
import type { Db } from "../db/client.ts";
import { dayMs, hourMs, resolvePeriod, type PeriodInput } from "../stats/period.ts";

/** An org's requests over the last `volumeWindowDays` days, and on the busiest of them. */
export interface OrgVolume {
  total: number;
  peakDay: number;
}

export const volumeWindowDays = 30;
/** Rows scanned that cost as much as one value in an answer. */
export const rowsPerCost = 200;
/** A request estimated to scan at least this many rows is heavy. */
export const heavyRows = 100_000;

/**
 * Rows an org's events hold over a period of this length: at most its busiest
 * day's volume per day (at least an hour's worth), and no more than the whole
 * window's total for a period inside it. An upper bound for steady traffic.
 */
export function estimateRows(v: OrgVolume, periodMs: number): number {
  const days = Math.max(periodMs, hourMs) / dayMs;
  const inWindow = Math.min(v.total, v.peakDay * Math.min(days, volumeWindowDays));
  return Math.ceil(inWindow + v.peakDay * Math.max(0, days - volumeWindowDays));
}

/** Pure: daily rows into each org's volume (orgs without rows have none). */
export function volumesOf(orgIds: readonly string[], rows: readonly { org_id: string; requests: number }[]): Map<string, OrgVolume> {
  const out = new Map(orgIds.map((id) => [id, { total: 0, peakDay: 0 }]));
  for (const r of rows) {
    const v = out.get(r.org_id);
    if (!v) continue;
    v.total += Number(r.requests);
    v.peakDay = Math.max(v.peakDay, Number(r.requests));
  }
  return out;
}

export interface VolumeCache {
  get(orgId: string): OrgVolume | undefined;
  load(orgIds: readonly string[]): Promise<Map<string, OrgVolume>>;
}

const cacheTtlMs = 60_000;
const maxCached = 10_000;

/** Volumes read on the read connection, kept a minute; the oldest go first past `maxCached` orgs. */
export function createVolumeCache(db: Db, now: () => number = Date.now): VolumeCache {
  const cache = new Map<string, { volume: OrgVolume; at: number }>();
  return {
    get(orgId) {
      const hit = cache.get(orgId);
      return hit && now() - hit.at < cacheTtlMs ? hit.volume : undefined;
    },
    async load(orgIds) {
      const at = now();
      const since = Math.floor(at / dayMs) * dayMs - volumeWindowDays * dayMs;
      const volumes = volumesOf(orgIds, await dailyRequests(db, orgIds, since));
      for (const [id, volume] of volumes) {
        cache.delete(id);
        cache.set(id, { volume, at });
      }
      for (const id of cache.keys()) {
        if (cache.size <= maxCached) break;
        cache.delete(id);
      }
      return volumes;
    },
  };
}

/** Per request: estimates from the cache; the orgs it lacks are noted, loaded, and the request measured again. */
export interface ScanEstimates {
  rows(orgId: string, period: PeriodInput | null | undefined, fallback?: PeriodInput): number;
  /** Orgs asked about whose volume was not known yet. */
  readonly missing: ReadonlySet<string>;
  /** Loads the missing volumes; the next measure of the request uses them. */
  loadMissing(): Promise<void>;
}

export function scanEstimates(volumes: VolumeCache, now: number): ScanEstimates {
  const missing = new Set<string>();
  const known = new Map<string, OrgVolume>();
  return {
    missing,
    rows(orgId, input, fallback) {
      const period = resolvePeriod(input ?? fallback ?? {}, now);
      // a bad period never runs: its resolver refuses it
      if (!period.ok) return 0;
      const volume = known.get(orgId) ?? volumes.get(orgId);
      if (!volume) {
        missing.add(orgId);
        return 0;
      }
      return estimateRows(volume, period.value.to - period.value.from);
    },
    async loadMissing() {
      for (const [id, v] of await volumes.load([...missing])) known.set(id, v);
      missing.clear();
    },
  };
}

/** The org whose events a field would read: an org key's own (the resolver refuses any other), or the one the admin names. */
export function scannedOrg(principal: { kind: "org"; orgId: string } | { kind: "admin" }, orgId: string | null | undefined): string | undefined {
  return principal.kind === "org" ? principal.orgId : (orgId ?? undefined);
}
