import { describe, expect, test } from "bun:test";
import { createBudgetGuard } from "../../src/budgets/guard.ts";
import type { Hold, SyncState } from "../../src/budgets/messages.ts";
import type { Budget, CallFacts, RateLimit } from "../../src/budgets/types.ts";
import { formatDuration, grantLease } from "../../src/budgets/ledger.ts";
import { httpError } from "../../src/http/errors.ts";

const t0 = Date.parse("2026-03-14T23:59:00Z");
const facts = (over: Partial<CallFacts> = {}): CallFacts => ({ orgId: "o1", keyId: "k1", feature: null, task: null, provider: "openai", model: "gpt-4o-mini", route: "/v1/chat/completions", ...over });
const budget = (over: Partial<Budget> = {}): Budget => ({
  id: "b1",
  orgId: "o1",
  name: "daily",
  scope: { feature: null, task: null, keyId: null, provider: null, model: null },
  period: "day",
  timeZone: "UTC",
  amountUsd: 1,
  thresholds: [50, 80, 100],
  action: "block",
  exempt: [],
  ...over,
});
const limit = (over: Partial<RateLimit> = {}): RateLimit => ({ id: "l1", orgId: "o1", name: "rpm", keyId: null, feature: null, requestsPerMinute: 3, tokensPerMinute: null, ...over });
const state = (over: Partial<SyncState> = {}): SyncState => ({ replicas: 1, spent: [], remote: [], leases: [], written: [], ...over });
const hold = (subjectId: string, windowStart: number, over: Partial<Hold> = {}): Hold => ({
  subjectId,
  windowStart,
  reservedUsd: 0,
  requests: 0,
  tokens: 0,
  leaseUsd: 0,
  leaseRequests: 0,
  leaseTokens: 0,
  demand: 0,
  want: 0,
  replicas: 1,
  ...over,
});
const est = (usd: number) => () => ({ inputTokens: 10, outputTokens: 20, usd });

describe("budget admission", () => {
  test("an org without budgets or limits holds nothing", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [budget()], limits: [] } }), t0);
    expect(g.admit(facts({ orgId: "o2" }), est(5), t0)).toEqual({ ok: true, value: undefined });
  });

  test("reservations count before any spend is recorded, and settle to the exact cost", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [budget()], limits: [] } }), t0);
    const a = g.admit(facts(), est(0.4), t0);
    const b = g.admit(facts(), est(0.4), t0);
    const c = g.admit(facts(), est(0.4), t0);
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    if (!c.ok) {
      expect(c.error).toEqual({ kind: "budget_exceeded", budget: "daily", resetsAt: Date.parse("2026-03-15T00:00:00Z"), room: { leftUsd: expect.closeTo(0.2, 9), callUsd: 0.4 } });
      expect(c.headers["x-should-retry"]).toBe("false");
      const e = httpError(c.error);
      expect({ status: e.status, code: e.code, message: e.body.error.message }).toEqual({
        status: 402,
        code: "budget_exceeded",
        message: 'Budget "daily" has $0.200 left for this period, less than this call may cost ($0.400; a lower max_tokens reserves less); it resets at 2026-03-15T00:00:00.000Z.',
      });
    }
    // the first call cost less than reserved: room for one more
    if (a.ok && a.value) g.settle(a.value, "e1", 0.1, 30, t0);
    expect(g.admit(facts(), est(0.4), t0).ok).toBe(true);
    expect(g.status("o1", t0)[0]).toMatchObject({ spentUsd: 0, reservedUsd: expect.closeTo(0.1 + 0.4 + 0.4, 9) });
    // the sync thread sees e1 written: it moves from pending to spent
    g.apply(state({ spent: [{ budgetId: "b1", start: Date.parse("2026-03-14T00:00:00Z"), usd: 0.1, forecastUsd: 0.2 }], written: ["e1"] }), t0);
    expect(g.status("o1", t0)[0]).toMatchObject({ spentUsd: 0.1, reservedUsd: expect.closeTo(0.8, 9), forecastUsd: 0.2 });
  });

  test("an alert-only budget never blocks", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [budget({ action: "alert" })], limits: [] } }), t0);
    for (let i = 0; i < 5; i++) expect(g.admit(facts(), est(0.4), t0).ok).toBe(true);
  });

  test("a budget narrowed to a feature holds only that feature's calls", () => {
    const g = createBudgetGuard();
    const narrow = budget({ scope: { feature: "search", task: null, keyId: null, provider: null, model: "gpt-4o*" } });
    g.apply(state({ definitions: { budgets: [narrow], limits: [] }, spent: [{ budgetId: "b1", start: Date.parse("2026-03-14T00:00:00Z"), usd: 1, forecastUsd: 1 }] }), t0);
    expect(g.admit(facts({ feature: "search" }), est(0.01), t0).ok).toBe(false);
    expect(g.admit(facts({ feature: "chat" }), est(0.01), t0).ok).toBe(true);
    expect(g.admit(facts({ feature: "search", model: "claude-sonnet-4" }), est(0.01), t0).ok).toBe(true);
  });

  test("other replicas' holds count, and a replica reserves only within the lease its round granted", () => {
    const g = createBudgetGuard();
    const start = Date.parse("2026-03-14T00:00:00Z");
    g.apply(
      state({
        definitions: { budgets: [budget()], limits: [] },
        replicas: 2,
        remote: [hold("b1", start, { reservedUsd: 0.3, leaseUsd: 0.2 })],
        leases: [{ subjectId: "b1", windowStart: start, usd: 0.25, requests: 0, tokens: 0, idleUsd: 0 }],
      }),
      t0,
    );
    expect([g.admit(facts(), est(0.1), t0).ok, g.admit(facts(), est(0.1), t0).ok]).toEqual([true, true]);
    const third = g.admit(facts(), est(0.1), t0);
    expect([third.ok, !third.ok && third.error.kind, !third.ok && third.headers["retry-after-ms"]]).toEqual([false, "budget_contended", "200"]);
    // the round takes its snapshot; one more is reserved while it runs (lease left: 0.05)
    expect(g.shares(t0)).toEqual([
      { subjectId: "b1", windowStart: start, reservedUsd: expect.closeTo(0.2, 9), requests: 0, tokens: 0, demand: expect.closeTo(0.3, 9), want: expect.closeTo(0.1, 9), leftUsd: expect.closeTo(0.05, 9), leftRequests: 0, leftTokens: 0, pendingUsd: 0 },
    ]);
    expect(g.admit(facts(), est(0.04), t0).ok).toBe(true);
    // the round granted 0.2 more from its snapshot: what was reserved meanwhile comes out of it
    g.apply(state({ replicas: 2, remote: [hold("b1", start, { reservedUsd: 0.3, leaseUsd: 0.2 })], leases: [{ subjectId: "b1", windowStart: start, usd: 0.2, requests: 0, tokens: 0, idleUsd: 0 }] }), t0);
    expect([1, 2, 3].map(() => g.admit(facts(), est(0.1), t0).ok)).toEqual([true, false, false]);
    // what the other replica had in flight at its last round may have settled since: retry, never a final 402 on it
    g.apply(state({ replicas: 2, remote: [hold("b1", start, { reservedUsd: 0.7 })], leases: [{ subjectId: "b1", windowStart: start, usd: 1, requests: 0, tokens: 0, idleUsd: 0 }] }), t0);
    const held = g.admit(facts(), est(0.01), t0);
    expect([!held.ok && held.error.kind, !held.ok && held.headers["x-should-retry"]]).toEqual(["budget_contended", "true"]);
    // once it is recorded, the room is certainly gone: 402
    g.apply(state({ replicas: 2, spent: [{ budgetId: "b1", start, usd: 0.7, forecastUsd: 0.7 }], leases: [{ subjectId: "b1", windowStart: start, usd: 1, requests: 0, tokens: 0, idleUsd: 0 }] }), t0);
    const full = g.admit(facts(), est(0.01), t0);
    expect(!full.ok && full.error.kind).toBe("budget_exceeded");
  });

  test("without a round for 5 s (database down), leases stop applying and the replica goes by what it knows", () => {
    const g = createBudgetGuard();
    const start = Date.parse("2026-03-14T00:00:00Z");
    g.apply(state({ definitions: { budgets: [budget()], limits: [] }, replicas: 2, leases: [{ subjectId: "b1", windowStart: start, usd: 0, requests: 0, tokens: 0, idleUsd: 0 }] }), t0 - 10_000);
    expect(g.admit(facts(), est(0.1), t0 - 10_000).ok).toBe(false);
    expect(g.admit(facts(), est(0.1), t0).ok).toBe(true);
  });

  test("rollover: the period's spend stops counting at the boundary (injected clock)", () => {
    const g = createBudgetGuard();
    const start = Date.parse("2026-03-14T00:00:00Z");
    const boundary = Date.parse("2026-03-15T00:00:00Z");
    g.apply(state({ definitions: { budgets: [budget()], limits: [] }, spent: [{ budgetId: "b1", start, usd: 1, forecastUsd: 1 }] }), t0);
    expect(g.admit(facts(), est(0.01), boundary - 1).ok).toBe(false);
    const next = g.admit(facts(), est(0.01), boundary);
    expect(next.ok).toBe(true);
    expect(g.status("o1", boundary)[0]).toMatchObject({ start: boundary, end: Date.parse("2026-03-16T00:00:00Z"), spentUsd: 0, reservedUsd: 0.01 });
    // a late state about the old period does not bring its spend back
    g.apply(state({ spent: [{ budgetId: "b1", start, usd: 1, forecastUsd: 1 }] }), boundary + 10);
    expect(g.status("o1", boundary + 10)[0]!.spentUsd).toBe(0);
  });
});

describe("rate limits", () => {
  test("requests per minute: 429 with retry-after and OpenAI's headers, reset at the next minute", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [], limits: [limit()] } }), t0);
    const now = t0 + 15_000;
    const verdicts = [1, 2, 3, 4].map(() => g.admit(facts(), est(0), now));
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, false]);
    const last = verdicts[3]!;
    if (last.ok) throw new Error("admitted");
    expect(last.error).toEqual({ kind: "rate_limited", limit: "rpm", exhausted: "requests", retryAfterS: 45 });
    expect(last.headers).toEqual({
      "retry-after": "45",
      "x-ratelimit-limit-requests": "3",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "45s",
    });
    expect(httpError(last.error)).toMatchObject({ status: 429, code: "rate_limit_exceeded", body: { error: { type: "requests" } } });
    expect(g.admit(facts(), est(0), t0 + 60_000).ok).toBe(true);
  });

  test("tokens per minute count the estimate, then what was used", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [], limits: [limit({ requestsPerMinute: null, tokensPerMinute: 100 })] } }), t0);
    const a = g.admit(facts(), est(0), t0); // 30 tokens estimated
    const b = g.admit(facts(), est(0), t0);
    const c = g.admit(facts(), est(0), t0);
    expect([a.ok, b.ok, c.ok, g.admit(facts(), est(0), t0).ok]).toEqual([true, true, true, false]);
    if (a.ok && a.value) g.settle(a.value, "e1", 0, 5, t0); // used 5, not 30
    expect(g.admit(facts(), est(0), t0).ok).toBe(true);
  });

  test("a limit on one key leaves other keys alone; other replicas' counts count", () => {
    const g = createBudgetGuard();
    const minute = t0 - (t0 % 60_000);
    g.apply(
      state({ definitions: { budgets: [], limits: [limit({ keyId: "k1" })] }, remote: [hold("l1", minute, { requests: 2 })], replicas: 2 }),
      t0,
    );
    expect([g.admit(facts(), est(0), t0).ok, g.admit(facts(), est(0), t0).ok]).toEqual([true, false]);
    expect(g.admit(facts({ keyId: "k2" }), est(0), t0).ok).toBe(true);
  });

  test("durations read like OpenAI's", () => {
    expect([250, 1000, 1001, 59_000, 60_000, 361_000].map(formatDuration)).toEqual(["250ms", "1s", "2s", "59s", "1m0s", "6m1s"]);
  });
});

describe("room follows demand", () => {
  const start = Date.parse("2026-03-14T00:00:00Z");
  const lease = (usd: number, idleUsd: number) => ({ subjectId: "b1", windowStart: start, usd, requests: 0, tokens: 0, idleUsd });

  test("leases: alone, all the free room; with others, twice the demand or an idle 2n-th of the free room, within the headroom", () => {
    const base = { limit: 1, spent: 0.2, mine: 0, myDemand: 0, othersHeld: 0, othersUsed: 0, othersWithRow: 0, replicas: 1 };
    expect([
      grantLease(base),
      grantLease({ ...base, replicas: 2, othersWithRow: 1, othersHeld: 0.1, othersUsed: 0.1 }),
      grantLease({ ...base, replicas: 2, othersWithRow: 1, othersHeld: 0.1, othersUsed: 0.1, myDemand: 0.3 }),
      grantLease({ ...base, replicas: 2, othersWithRow: 1, othersHeld: 0.7, othersUsed: 0.1, myDemand: 0.3 }),
    ].map((x) => Number(x.toFixed(9)))).toEqual([0.8, 0.175, 0.6, 0.1]);
  });

  test("a caller waiting on another replica comes first: a replica keeps only what is left after it, unless its own caller waits too", () => {
    const two = { limit: 1, spent: 0.7, mine: 0, myDemand: 0.1, othersHeld: 0, othersUsed: 0, othersWithRow: 1, replicas: 2 };
    expect([grantLease(two), grantLease({ ...two, othersWant: 0.25 }), grantLease({ ...two, othersWant: 0.25, myWant: 0.1 }), grantLease({ ...two, othersWant: 0.4 })].map((x) => Number(x.toFixed(9)))).toEqual([
      0.2, 0.05, 0.1, 0,
    ]);
  });

  test("an unused lease goes back to the idle share at the next round; a caller told to retry stays asked for until admitted", () => {
    const g = createBudgetGuard();
    g.apply(state({ definitions: { budgets: [budget()], limits: [] }, replicas: 2, leases: [lease(0.5, 0.1)] }), t0);
    expect(g.shares(t0)[0]).toMatchObject({ demand: 0, leftUsd: 0.1 });
    const refused = g.admit(facts(), est(0.3), t0);
    expect([refused.ok, !refused.ok && refused.error.kind, g.urgent(t0 + 10)]).toEqual([false, "budget_contended", true]);
    // rounds come and go while the caller waits: its call is still asked for, and the lease it was given is not cut back
    expect(g.shares(t0 + 10)[0]).toMatchObject({ demand: 0.3 });
    g.apply(state({ replicas: 2, leases: [lease(0.6, 0.1)] }), t0 + 20);
    expect(g.shares(t0 + 30)[0]).toMatchObject({ demand: 0.3, leftUsd: 0.6 });
    expect(g.admit(facts(), est(0.3), t0 + 200).ok).toBe(true);
    expect(g.shares(t0 + 210)[0]).toMatchObject({ demand: 0.3 });
    // then idle again: back to its share
    expect(g.shares(t0 + 460)[0]).toMatchObject({ demand: 0, leftUsd: 0.1 });
    expect(g.urgent(t0 + 2_000)).toBe(false);
  });
});
