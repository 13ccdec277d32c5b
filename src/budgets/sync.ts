/**
 * One round of the budget sync, run every 250 ms on the sync thread:
 * reload budgets and limits, read the events written since the last round
 * (every replica's), bring each budget's recorded spend and forecast up to
 * date, claim and send alerts, and swap reservations with the other
 * replicas. The request thread applies the answer (guard.ts).
 */
import type { Client } from "@libsql/client";
import { claimAlert, type AlertKind, type AlertRow } from "../db/budget-alerts.ts";
import { lastEventRowid, readEventsAfter, type FeedRow } from "../db/budget-feed.ts";
import { exchangeHolds, heartbeat, holdKey } from "../db/budget-shares.ts";
import { listAllBudgets, listAllLimits, type BudgetRow, type LimitRow } from "../db/budgets.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { p95 } from "./estimate.ts";
import { crossedThresholds, forecastIsMeaningful, forecastSpend } from "./forecast.ts";
import type { Hold, Lease, Share, SyncState } from "./messages.ts";
import { grantLease, idleLease, windowMs, type LeaseInput } from "./ledger.ts";
import { loadBudgetMs, loadOrder, loadTrackers, newTracker, type Tracker } from "./tracker-load.ts";
import { inScope } from "./scope.ts";
import type { AlertFacts } from "./webhook.ts";

export interface SyncDeps {
  client: Client;
  replicaId: string;
  now(): number;
  /** An alert this replica claimed: send it to the org's webhooks (not awaited). */
  onAlert(facts: AlertFacts): void;
  /** A claim failed; the round still returns (its leases are already published). */
  onError?(e: unknown): void;
}

const feedPage = 5_000;
const maxPagesPerRound = 20;
const outputSample = 200;
const maxSampledModels = 10_000;
const hourMs = 3_600_000;
/** Without budgets, how often a replica says it is alive (well within replicaStaleMs). */
const heartbeatMs = 1_000;

export interface BudgetSync {
  round(shares: readonly Share[]): Promise<SyncState>;
}

export async function createBudgetSync(deps: SyncDeps): Promise<BudgetSync> {
  const { client } = deps;
  let cursor = await lastEventRowid(client);
  let signature = "";
  let budgets: BudgetRow[] = [];
  let limits: LimitRow[] = [];
  let trackers = new Map<string, Tracker>();
  /** The loaded trackers of each org, for the feed. */
  let trackersByOrg = new Map<string, Tracker[]>();
  let rounds = 0;
  const outputs = new Map<string, number[]>();
  let outputsChanged = false;
  let beatAt = -Infinity;

  const loadDefinitions = async (): Promise<boolean> => {
    const [b, l] = await Promise.all([listAllBudgets(client), listAllLimits(client)]);
    const next = JSON.stringify([b, l]);
    if (next === signature) return false;
    signature = next;
    budgets = b;
    limits = l;
    const kept = new Map<string, Tracker>();
    for (const budget of b) {
      const old = trackers.get(budget.id);
      // a changed scope or period counts again from the database; a changed amount keeps the sums
      const same = old && JSON.stringify([old.budget.scope, old.budget.period, old.budget.timeZone]) === JSON.stringify([budget.scope, budget.period, budget.timeZone]);
      kept.set(budget.id, same ? { ...old!, budget } : newTracker(budget));
    }
    trackers = kept;
    trackersByOrg = new Map();
    for (const t of kept.values()) {
      const list = trackersByOrg.get(t.budget.orgId);
      if (list) list.push(t);
      else trackersByOrg.set(t.budget.orgId, [t]);
    }
    return true;
  };

  const feed = (rows: readonly FeedRow[], watched: ReadonlySet<string>, written: string[]) => {
    for (const r of rows) {
      if (!watched.has(r.orgId)) continue;
      written.push(r.id);
      if (r.outputTokens !== null && r.model !== "") sampleOutput(`${r.orgId}\u0000${r.model}`, r.outputTokens);
      if (r.costUsd === 0 && !r.unknownCost) continue;
      for (const t of trackersByOrg.get(r.orgId) ?? []) {
        if (!t.loaded || r.createdAt < t.start || r.createdAt >= t.end) continue;
        if (!inScope(t.budget.scope, r)) continue;
        if (r.unknownCost) {
          t.unknownCostCalls += 1;
          continue;
        }
        t.spentUsd += r.costUsd;
        const hour = r.createdAt - (r.createdAt % hourMs);
        t.hourly.set(hour, (t.hourly.get(hour) ?? 0) + r.costUsd);
      }
    }
  };

  const sampleOutput = (key: string, tokens: number) => {
    let s = outputs.get(key);
    if (!s) {
      if (outputs.size >= maxSampledModels) return;
      outputs.set(key, (s = []));
    }
    s.push(tokens);
    if (s.length > outputSample) s.shift();
    outputsChanged = true;
  };

  const alert = async (t: Tracker, kind: AlertKind, threshold: number, forecastUsd: number, now: number) => {
    const key = `${kind}:${threshold}`;
    if (t.claimed.has(key)) return;
    t.claimed.add(key);
    const row: AlertRow = {
      id: uuidv7(now),
      orgId: t.budget.orgId,
      budgetId: t.budget.id,
      periodStart: t.start,
      kind,
      threshold,
      spentUsd: t.spentUsd,
      forecastUsd,
      amountUsd: t.budget.amountUsd,
      createdAt: now,
    };
    if (await claimAlert(client, row)) deps.onAlert({ alert: row, budget: t.budget, periodEnd: t.end });
  };

  return {
    async round(shares) {
      const now = deps.now();
      const changed = await loadDefinitions();
      const written: string[] = [];
      if (budgets.length === 0 && limits.length === 0) {
        cursor = await lastEventRowid(client);
        if (now - beatAt >= heartbeatMs) {
          await heartbeat(client, deps.replicaId, now);
          beatAt = now;
        }
        return { ...(changed ? { definitions: { budgets, limits } } : {}), replicas: 1, spent: [], remote: [], leases: [], written };
      }
      const watched = new Set([...budgets.map((b) => b.orgId), ...limits.map((l) => l.orgId)]);
      // events up to the cursor from the database, later ones from the feed; in turns between orgs, within a time budget
      for (const t of trackers.values()) if (t.loaded && (now >= t.end || now < t.start)) t.loaded = false;
      await loadTrackers(client, loadOrder(trackers.values(), now, rounds), cursor, now, rounds === 0 ? Infinity : loadBudgetMs);
      rounds++;
      // a budget still waiting for its sum has no figures, lease or alerts this round
      const ready = [...trackers.values()].filter((t) => t.loaded);
      const used = new Map(shares.map((s) => [holdKey(s.subjectId, s.windowStart), s]));
      const leases: Lease[] = [];
      const { remote, replicas } = await exchangeHolds(client, deps.replicaId, now, async (others, n, tx) => {
        // the events are read in the same transaction as the holds: a replica whose costs moved from its
        // hold into the events since cannot be missed in both
        for (let page = 0; page < maxPagesPerRound; page++) {
          const rows = await readEventsAfter(tx, cursor, feedPage);
          if (rows.length > 0) cursor = rows[rows.length - 1]!.rowid;
          feed(rows, watched, written);
          if (rows.length < feedPage) break;
        }
        const rows: Hold[] = [];
        for (const t of ready) {
          const key = holdKey(t.budget.id, t.start);
          const u = used.get(key);
          const o = others.get(key);
          const mine = u?.reservedUsd ?? 0;
          const input: LeaseInput = {
            limit: t.budget.amountUsd,
            spent: t.spentUsd,
            mine,
            myDemand: u?.demand ?? 0,
            othersHeld: o ? o.reservedUsd + o.leaseUsd : 0,
            othersUsed: o?.reservedUsd ?? 0,
            myWant: u?.want ?? 0,
            othersWant: o?.want ?? 0,
            othersWithRow: o?.replicas ?? 0,
            replicas: n,
          };
          const usd = grantLease(input);
          leases.push({ subjectId: t.budget.id, windowStart: t.start, usd, requests: 0, tokens: 0, idleUsd: Math.min(usd, idleLease(input)) });
          // until the answer arrives the request thread may still use the lease it had: publish whichever is larger
          // costs settled but not yet written go with the lease, not the reservations: they may already be in the
          // events another replica reads, and only what is in flight decides that a budget is used up (402)
          const pending = u?.pendingUsd ?? 0;
          rows.push({
            subjectId: t.budget.id,
            windowStart: t.start,
            reservedUsd: mine - pending,
            requests: 0,
            tokens: 0,
            leaseUsd: Math.max(usd, u?.leftUsd ?? 0) + pending,
            leaseRequests: 0,
            leaseTokens: 0,
            demand: u?.demand ?? 0,
            want: u?.want ?? 0,
            replicas: 1,
          });
        }
        const minute = now - (now % windowMs);
        for (const l of limits) {
          const key = holdKey(l.id, minute);
          const u = used.get(key);
          const o = others.get(key);
          // demand is counted in requests: the token lease follows it in proportion to the tokens a request used
          const share = (limit: number | null, mine: number, theirs: number, used: number, demand: number) =>
            limit === null
              ? Infinity
              : Math.floor(grantLease({ limit, spent: 0, mine, myDemand: demand, othersHeld: theirs, othersUsed: used, othersWithRow: o?.replicas ?? 0, replicas: n }));
          const demand = u?.demand ?? 0;
          const tokensPerRequest = u && u.requests > 0 ? u.tokens / u.requests : 0;
          const requests = share(l.requestsPerMinute, u?.requests ?? 0, o ? o.requests + o.leaseRequests : 0, o?.requests ?? 0, demand);
          const tokens = share(l.tokensPerMinute, u?.tokens ?? 0, o ? o.tokens + o.leaseTokens : 0, o?.tokens ?? 0, demand * tokensPerRequest);
          leases.push({ subjectId: l.id, windowStart: minute, usd: 0, requests, tokens, idleUsd: 0 });
          rows.push({
            subjectId: l.id,
            windowStart: minute,
            reservedUsd: 0,
            requests: u?.requests ?? 0,
            tokens: u?.tokens ?? 0,
            leaseUsd: 0,
            leaseRequests: Math.max(requests, u?.leftRequests ?? 0),
            leaseTokens: Math.max(tokens, u?.leftTokens ?? 0),
            demand: u?.demand ?? 0,
            want: 0,
            replicas: 1,
          });
        }
        return rows;
      });
      const spent: SyncState["spent"] = [];
      for (const t of ready) {
        const forecastUsd = forecastSpend({ spentUsd: t.spentUsd, hourly: t.hourly, start: t.start, end: t.end, now });
        spent.push({ budgetId: t.budget.id, start: t.start, usd: t.spentUsd, forecastUsd, unknownCostCalls: t.unknownCostCalls });
        // after the commit nothing may throw: the request thread must get the leases this round published
        try {
          for (const threshold of crossedThresholds(t.budget.thresholds, t.spentUsd, t.budget.amountUsd)) await alert(t, "threshold", threshold, forecastUsd, now);
          if (forecastUsd >= t.budget.amountUsd && t.spentUsd < t.budget.amountUsd && forecastIsMeaningful(t.start, t.end, now)) {
            await alert(t, "forecast", 100, forecastUsd, now);
          }
        } catch (e) {
          // not claimed: the next round tries again
          t.claimed.clear();
          deps.onError?.(e);
        }
      }
      let outputP95: [string, number][] | undefined;
      if (outputsChanged) {
        outputsChanged = false;
        outputP95 = [...outputs].map(([k, s]) => [k, p95(s)!]);
      }
      const loading = ready.length < trackers.size ? [...trackers.values()].filter((t) => !t.loaded).map((t) => t.budget.id) : undefined;
      return { ...(changed ? { definitions: { budgets, limits } } : {}), replicas, spent, remote, leases, written, ...(loading ? { loading } : {}), ...(outputP95 ? { outputP95 } : {}) };
    },
  };
}
