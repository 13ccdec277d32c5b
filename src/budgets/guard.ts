/**
 * Admission on the request thread: every org's budgets and rate limits in
 * memory, checked and reserved in a few microseconds, never waiting on the
 * database. The sync thread (sync.ts) brings recorded spend, other
 * replicas' reservations and definition changes in `apply`, and takes this
 * replica's reservations from `shares`.
 */
import type { ProxyError } from "../http/errors.ts";
import type { Estimate } from "./estimate.ts";
import { contended, exceeded, exempts, unmeasurableRefusal } from "./refusals.ts";
import { budgetVerdict, newLedger, newWindow, rateLimitHeaders, windowAdmits, windowMs, type BudgetLedger, type LimitWindow } from "./ledger.ts";
import { periodBounds } from "./budget-period.ts";
import { inScope, limitApplies } from "./scope.ts";
import type { Share, SyncState } from "./messages.ts";
import { holdKey } from "../db/budget-shares.ts";
import { takeShares } from "./shares.ts";
import type { Budget, CallFacts, RateLimit } from "./types.ts";

/** What one admitted request holds until its event is built. */
export interface Admission {
  ledgers: BudgetLedger[];
  windows: LimitWindow[];
  estimate: Estimate;
}

export type AdmitResult =
  | { ok: true; value: Admission | undefined }
  | { ok: false; error: ProxyError; headers: Record<string, string> };

export interface BudgetStatus {
  budget: Budget;
  start: number;
  end: number;
  spentUsd: number;
  /** In flight or not yet written, on every replica. */
  reservedUsd: number;
  forecastUsd: number;
  /** Calls of the period that succeeded without a known cost: spentUsd leaves them out. */
  unknownCostCalls: number;
}

export interface BudgetGuard {
  /** Whether the org has any budget or limit (when not, admission costs one map lookup). */
  watches(orgId: string): boolean;
  admit(facts: CallFacts, estimate: () => Estimate, now: number): AdmitResult;
  /** The request's event is built: release the reservation, hold the exact cost until the event is in the database. */
  settle(admission: Admission, eventId: string, costUsd: number, tokens: number, now: number): void;
  apply(state: SyncState, now: number): void;
  /** A round failed: it may have published leases this thread never got, so none is trusted until the next one. */
  dropLeases(): void;
  /**
   * A round soon would help: a caller was asked to retry within the last
   * second (room may come free any round), or a reservation another replica
   * was waiting for was just released.
   */
  urgent(now: number): boolean;
  /** This replica's reservations and counts, for the other replicas. */
  shares(now: number): Share[];
  status(orgId: string, now: number): BudgetStatus[];
  /** Every budget's share of its amount used, and every rate limit's share of its requests this minute, for /metrics. */
  utilisation(now: number): { budgets: { id: string; ratio: number }[]; limits: { id: string; ratio: number }[] };
  outputP95(orgId: string, model: string): number | undefined;
}

interface OrgRules {
  budgets: Budget[];
  limits: RateLimit[];
}

/** A settled cost this replica still counts until the sync thread sees its event written. */
interface Pending {
  usd: number;
  ledgers: BudgetLedger[];
  at: number;
}

/** An event that never reaches the database (dropped) stops counting after this, or when this many are waiting. */
const pendingTtlMs = 10 * 60_000;
const maxPending = 200_000;
/** Without a round for this long (database down), leases stop applying: each replica goes by what it knows. */
const leaseStaleMs = 5_000;
/** How long after a refusal for room the rounds stay frequent. */
const urgentForMs = 1_000;

/** `onStarved`: a lease ran short; a round now (instead of at the next tick) hands out the room left. */
export function createBudgetGuard(onStarved: () => void = () => {}): BudgetGuard {
  let byOrg = new Map<string, OrgRules>();
  const ledgers = new Map<string, BudgetLedger>();
  const windows = new Map<string, LimitWindow>();
  const pending = new Map<string, Pending>();
  let replicas = 1;
  let p95 = new Map<string, number>();
  let syncedAt = 0;
  let contendedAt = -Infinity;
  let releasedForOthers = false;
  /** What each ledger and window had admitted when the round in flight took its snapshot. */
  let snapshot = new Map<object, { usd: number; requests: number; tokens: number }>();

  const ledgerOf = (b: Budget, now: number): BudgetLedger => {
    const l = ledgers.get(b.id);
    if (l && now >= l.start && now < l.end) {
      if (l.budget === b) return l;
      // an edited budget keeps its period's figures (admissions in flight hold this object)
      if (l.budget.period === b.period && l.budget.timeZone === b.timeZone) {
        l.budget = b;
        return l;
      }
    }
    const { start, end } = periodBounds(b.period, b.timeZone, now);
    const next = newLedger(b, start, end, replicas);
    ledgers.set(b.id, next);
    return next;
  };
  const windowOf = (r: RateLimit, now: number): LimitWindow => {
    const start = now - (now % windowMs);
    let w = windows.get(r.id);
    if (!w || w.start !== start) windows.set(r.id, (w = newWindow(r, start, replicas)));
    else if (w.limit !== r) w.limit = r;
    return w;
  };

  return {
    watches: (orgId) => byOrg.has(orgId),

    admit(facts, estimateCall, now): AdmitResult {
      const rules = byOrg.get(facts.orgId);
      if (!rules) return { ok: true, value: undefined };
      const estimate = estimateCall();
      const leased = now - syncedAt < leaseStaleMs;
      const tokens = estimate.inputTokens + estimate.outputTokens;
      const held: Admission = { ledgers: [], windows: [], estimate };
      for (const r of rules.limits) {
        if (!limitApplies(r, facts)) continue;
        const w = windowOf(r, now);
        w.demandRequests += 1;
        const verdict = windowAdmits(w, tokens, leased);
        if (!verdict.requests || !verdict.tokens) {
          if (leased && w.requests + w.remoteRequests < (r.requestsPerMinute ?? Infinity)) onStarved();
          const retryAfterS = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
          const headers: Record<string, string> = { "retry-after": String(retryAfterS), ...rateLimitHeaders(w, now) };
          return {
            ok: false,
            error: { kind: "rate_limited", limit: r.name, exhausted: verdict.requests ? "tokens" : "requests", retryAfterS },
            headers,
          };
        }
        held.windows.push(w);
      }
      for (const b of rules.budgets) {
        if (!inScope(b.scope, facts)) continue;
        const l = ledgerOf(b, now);
        if (b.action === "block" && estimate.unknown && !exempts(b, facts)) return { ok: false, ...unmeasurableRefusal(b, estimate.unknown, facts.route) };
        l.demandUsd += estimate.usd;
        const verdict = b.action === "block" ? budgetVerdict(l, estimate.usd, leased) : "ok";
        if (verdict === "contended") {
          contendedAt = now;
          l.wantUsd = Math.max(l.wantUsd, estimate.usd);
          l.wantAt = now;
          onStarved();
          return { ok: false, ...contended(b) };
        }
        if (verdict === "exceeded") return { ok: false, ...exceeded(l, estimate.usd) };
        held.ledgers.push(l);
      }
      for (const w of held.windows) {
        w.requests += 1;
        w.tokens += tokens;
        w.admittedRequests += 1;
        w.admittedTokens += tokens;
        w.leaseRequests -= 1;
        w.leaseTokens -= tokens;
      }
      for (const l of held.ledgers) {
        l.wantUsd = 0;
        l.reservedUsd += estimate.usd;
        l.admittedUsd += estimate.usd;
        l.leaseUsd -= estimate.usd;
      }
      return { ok: true, value: held.ledgers.length + held.windows.length > 0 ? held : undefined };
    },

    settle(a, eventId, costUsd, tokens, now) {
      // what was reserved but not used goes back to the lease (use plus lease stays what the round published)
      for (const l of a.ledgers) {
        if (l.remoteDemand) releasedForOthers = true;
        l.reservedUsd = Math.max(0, l.reservedUsd - a.estimate.usd);
        l.pendingUsd += costUsd;
        l.leaseUsd += a.estimate.usd - costUsd;
      }
      if (costUsd > 0 && a.ledgers.length > 0) {
        pending.set(eventId, { usd: costUsd, ledgers: a.ledgers, at: now });
        // the database is away for long: the oldest stop counting (a Map iterates oldest first)
        if (pending.size > maxPending) {
          const [oldest, p] = pending.entries().next().value!;
          pending.delete(oldest);
          for (const l of p.ledgers) l.pendingUsd = Math.max(0, l.pendingUsd - p.usd);
        }
      }
      // tokens per minute count what was used, once it is known
      const correction = tokens - a.estimate.inputTokens - a.estimate.outputTokens;
      for (const w of a.windows) {
        w.tokens = Math.max(0, w.tokens + correction);
        w.leaseTokens -= correction;
      }
    },

    apply(state, now) {
      if (state.definitions) {
        const next = new Map<string, OrgRules>();
        const rulesOf = (orgId: string) => {
          let r = next.get(orgId);
          if (!r) next.set(orgId, (r = { budgets: [], limits: [] }));
          return r;
        };
        for (const b of state.definitions.budgets) rulesOf(b.orgId).budgets.push(b);
        for (const r of state.definitions.limits) rulesOf(r.orgId).limits.push(r);
        byOrg = next;
        const live = new Set([...state.definitions.budgets.map((b) => b.id), ...state.definitions.limits.map((r) => r.id)]);
        for (const id of ledgers.keys()) if (!live.has(id)) ledgers.delete(id);
        for (const id of windows.keys()) if (!live.has(id)) windows.delete(id);
      }
      replicas = Math.max(1, state.replicas);
      syncedAt = now;
      if (state.outputP95) p95 = new Map(state.outputP95);
      const release = (p: Pending) => {
        for (const l of p.ledgers) l.pendingUsd = Math.max(0, l.pendingUsd - p.usd);
      };
      for (const id of state.written) {
        const p = pending.get(id);
        if (!p) continue;
        pending.delete(id);
        release(p);
      }
      for (const [id, p] of pending) {
        if (now - p.at < pendingTtlMs) continue;
        pending.delete(id);
        release(p);
      }
      const spent = new Map(state.spent.map((s) => [s.budgetId, s]));
      const loading = new Set(state.loading);
      const remote = new Map(state.remote.map((r) => [holdKey(r.subjectId, r.windowStart), r]));
      const leases = new Map(state.leases.map((r) => [holdKey(r.subjectId, r.windowStart), r]));
      for (const rules of byOrg.values()) {
        for (const b of rules.budgets) {
          const l = ledgerOf(b, now);
          l.spentKnown = !loading.has(b.id);
          const s = spent.get(b.id);
          if (s && s.start === l.start) {
            l.spentUsd = s.usd;
            l.forecastUsd = s.forecastUsd;
            l.unknownCostCalls = s.unknownCostCalls ?? 0;
          }
          const r = remote.get(holdKey(b.id, l.start));
          l.remoteUsd = r ? r.reservedUsd + r.leaseUsd : 0;
          l.remoteReservedUsd = r ? r.reservedUsd : 0;
          l.remoteDemand = r ? r.demand > 0 : false;
          l.remoteWant = r ? r.want > 0 : false;
          // callers wait on another replica while this one holds more than it needs: its next round gives it back
          if (l.remoteWant && l.demandUsd === 0 && l.leaseUsd > l.idleLeaseUsd) releasedForOthers = true;
          const lease = leases.get(holdKey(b.id, l.start));
          // what was reserved while the round ran comes out of the lease it granted
          if (lease) {
            l.leaseUsd = lease.usd - (l.admittedUsd - (snapshot.get(l)?.usd ?? 0));
            l.idleLeaseUsd = lease.idleUsd;
          }
        }
        for (const limit of rules.limits) {
          const w = windowOf(limit, now);
          const r = remote.get(holdKey(limit.id, w.start));
          w.remoteRequests = r ? r.requests + r.leaseRequests : 0;
          w.remoteTokens = r ? r.tokens + r.leaseTokens : 0;
          const lease = leases.get(holdKey(limit.id, w.start));
          const before = snapshot.get(w);
          if (lease) {
            w.leaseRequests = lease.requests - (w.admittedRequests - (before?.requests ?? 0));
            w.leaseTokens = lease.tokens - (w.admittedTokens - (before?.tokens ?? 0));
          }
        }
      }
    },

    dropLeases() {
      for (const l of ledgers.values()) l.leaseUsd = Math.min(l.leaseUsd, 0);
      for (const w of windows.values()) {
        w.leaseRequests = Math.min(w.leaseRequests, 0);
        w.leaseTokens = Math.min(w.leaseTokens, 0);
      }
    },

    urgent: (now) => releasedForOthers || now - contendedAt < urgentForMs,

    shares(now) {
      snapshot = new Map();
      releasedForOthers = false;
      return takeShares(ledgers.values(), windows.values(), snapshot, now, urgentForMs);
    },

    status(orgId, now) {
      return (byOrg.get(orgId)?.budgets ?? []).map((b) => {
        const l = ledgerOf(b, now);
        return {
          budget: b,
          start: l.start,
          end: l.end,
          spentUsd: l.spentUsd,
          reservedUsd: l.reservedUsd + l.pendingUsd + l.remoteReservedUsd,
          forecastUsd: Math.max(l.forecastUsd, l.spentUsd),
          unknownCostCalls: l.unknownCostCalls,
        };
      });
    },

    utilisation(now) {
      const out = { budgets: [] as { id: string; ratio: number }[], limits: [] as { id: string; ratio: number }[] };
      for (const rules of byOrg.values()) {
        for (const b of rules.budgets) out.budgets.push({ id: b.id, ratio: b.amountUsd > 0 ? ledgerOf(b, now).spentUsd / b.amountUsd : 0 });
        for (const r of rules.limits) {
          const w = windowOf(r, now);
          const rpm = r.requestsPerMinute;
          out.limits.push({ id: r.id, ratio: rpm ? w.requests / rpm : 0 });
        }
      }
      return out;
    },

    outputP95: (orgId, model) => p95.get(`${orgId}\u0000${model}`),
  };
}
