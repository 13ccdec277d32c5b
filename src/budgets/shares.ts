/**
 * What the request thread hands its sync round: this replica's use, demand
 * and unused lease of each budget period and rate-limit minute, and the
 * snapshot of what each had admitted (the round's answer subtracts what is
 * admitted while it runs). Resets the demand counted since the last round.
 */
import { windowMs, type BudgetLedger, type LimitWindow } from "./ledger.ts";
import type { Share } from "./messages.ts";

export function takeShares(
  ledgers: Iterable<BudgetLedger>,
  windows: Iterable<LimitWindow>,
  snapshot: Map<object, { usd: number; requests: number; tokens: number }>,
  now: number,
  wantForMs: number,
): Share[] {
  const out: Share[] = [];
  for (const l of ledgers) {
    snapshot.set(l, { usd: l.admittedUsd, requests: 0, tokens: 0 });
    if (now >= l.end) continue;
    // a caller asked to retry comes back: its call stays asked for until admitted (or gone for a while)
    if (now - l.wantAt > wantForMs) l.wantUsd = 0;
    const demand = Math.max(l.demandUsd, l.wantUsd);
    // asked for nothing since the last round: what it holds beyond its idle lease goes back, published by this round
    if (demand === 0) l.leaseUsd = Math.min(l.leaseUsd, l.idleLeaseUsd);
    const usd = l.reservedUsd + l.pendingUsd;
    out.push({ subjectId: l.budget.id, windowStart: l.start, reservedUsd: usd, requests: 0, tokens: 0, demand, want: l.wantUsd, leftUsd: Math.max(0, l.leaseUsd), leftRequests: 0, leftTokens: 0, pendingUsd: l.pendingUsd });
    l.demandUsd = 0;
  }
  for (const w of windows) {
    snapshot.set(w, { usd: 0, requests: w.admittedRequests, tokens: w.admittedTokens });
    if (now >= w.start + windowMs) continue;
    out.push({
      subjectId: w.limit.id,
      windowStart: w.start,
      reservedUsd: 0,
      requests: w.requests,
      tokens: w.tokens,
      demand: w.demandRequests,
      want: 0,
      leftUsd: 0,
      leftRequests: Math.max(0, w.leaseRequests),
      leftTokens: Math.max(0, w.leaseTokens),
      pendingUsd: 0,
    });
    w.demandRequests = 0;
  }
  return out;
}
