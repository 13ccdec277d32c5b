/** The aggregation and period math behind the dashboard queries. Pure. */
import { describe, expect, test } from "bun:test";
import { createRandom } from "../helpers/random.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { addEvent, aggregateEvents, emptySums, type RollupEvent } from "../../src/stats/aggregate.ts";
import { bucketBounds, latencyBucket, latencyBucketCount, percentile } from "../../src/stats/histogram.ts";
import { dayMs, hourMs, previousPeriod, resolvePeriod, splitPeriod } from "../../src/stats/period.ts";
import { changePct, errorRate, isProviderError } from "../../src/stats/rates.ts";
import { costBreakdown, modelDistribution, providerHealth, usageSeries } from "../../src/stats/reports.ts";

const T0 = Date.UTC(2026, 4, 1); // 2026-05-01T00:00Z, a UTC midnight
const iso = (s: string) => Date.parse(s);

describe("isProviderError", () => {
  test.each([
    [200, null, false],
    [400, "upstream_error", false],
    [401, "upstream_error", false],
    [404, null, false],
    [413, "request_too_large", false],
    [499, "client_aborted", false],
    [429, "upstream_error", true],
    [500, "upstream_error", true],
    [500, "internal_error", true],
    [502, "upstream_unreachable", true],
    [504, "upstream_timeout", true],
    // a stream cut after a 200 header
    [200, "upstream_timeout", true],
    [200, "upstream_unreachable", true],
    [200, "upstream_error", false],
  ])("%p %p → %p", (status, code, expected) => {
    expect(isProviderError(status, code)).toBe(expected);
  });
});

describe("errorRate and changePct", () => {
  test.each([
    [0, 0, 0],
    [1, 4, 0.25],
    [3, 3, 1],
  ])("errorRate(%p, %p) = %p", (errors, requests, rate) => expect(errorRate(errors, requests)).toBe(rate));
  test.each([
    [150, 100, 50],
    [50, 100, -50],
    [0, 100, -100],
    [100, 100, 0],
    [5, 0, null],
    [0, 0, null],
  ])("changePct(%p, %p) = %p", (cur, prev, pct) => expect(changePct(cur, prev)).toBe(pct));
});

describe("latency histogram", () => {
  test.each([
    [0, 0],
    [0.5, 0],
    [1, 1],
    [1.5, 1],
    [10, 6],
    [99.9, 10],
    [100, 11],
    [1000, 16],
    [600_000, 29],
    [999_999, 30],
    [1_000_000, 31],
    [1e9, 31],
  ])("%p ms → bucket %p", (ms, bucket) => {
    expect(latencyBucket(ms)).toBe(bucket);
    const [lo, hi] = bucketBounds(bucket);
    expect(ms >= lo && ms < hi).toBe(true);
  });

  test("percentile: nearest rank over the buckets, clamped to min and max", () => {
    const h = new Array(latencyBucketCount).fill(0);
    expect(percentile(h, 0.95, null, null)).toBeNull();
    h[latencyBucket(250)] = 1;
    // one request: exact, thanks to the clamp
    expect(percentile(h, 0.95, 250, 250)).toBe(250);
    h[latencyBucket(250)] = 95;
    h[latencyBucket(5000)] = 5;
    // rank 95 of 100 falls in 250 ms's bucket, [158.5, 251.2): its geometric midpoint
    const [lo, hi] = bucketBounds(latencyBucket(250));
    expect(percentile(h, 0.95, 100, 5000)).toBeCloseTo(Math.sqrt(lo * hi), 9);
    // rank 96 falls in 5000 ms's bucket, [3981, 6310): the midpoint 5012 is above the max seen, so the max
    expect(percentile(h, 0.96, 100, 5000)).toBe(5000);
    expect(percentile(h, 0.96, 100, 6000)).toBeCloseTo(Math.sqrt(10 ** (18 / 5) * 10 ** (19 / 5)), 9);
  });

  test("the estimate is within a factor √(10^(1/5)) ≈ 1.259 of the exact nearest-rank p95", () => {
    const random = createRandom(7);
    for (let run = 0; run < 200; run++) {
      const n = 1 + Math.floor(random() * 500);
      const xs = Array.from({ length: n }, () => 10 ** (random() * 6)); // 1 ms … 1000 s
      const h = new Array(latencyBucketCount).fill(0);
      for (const x of xs) h[latencyBucket(x)]++;
      const sorted = [...xs].sort((a, b) => a - b);
      const exact = sorted[Math.ceil(0.95 * n) - 1]!;
      const estimate = percentile(h, 0.95, sorted[0]!, sorted[n - 1]!)!;
      expect(Math.max(estimate / exact, exact / estimate)).toBeLessThanOrEqual(Math.sqrt(10 ** 0.2) + 1e-9);
    }
  });
});

describe("resolvePeriod", () => {
  const now = iso("2026-05-10T12:34:56.789Z");
  test.each([
    ["LAST_HOUR", { preset: "LAST_HOUR" }, { ok: true, value: { from: now - hourMs, to: now } }],
    ["LAST_24_HOURS", { preset: "LAST_24_HOURS" }, { ok: true, value: { from: now - dayMs, to: now } }],
    ["LAST_7_DAYS", { preset: "LAST_7_DAYS" }, { ok: true, value: { from: now - 7 * dayMs, to: now } }],
    ["LAST_30_DAYS", { preset: "LAST_30_DAYS" }, { ok: true, value: { from: now - 30 * dayMs, to: now } }],
    ["LAST_90_DAYS", { preset: "LAST_90_DAYS" }, { ok: true, value: { from: now - 90 * dayMs, to: now } }],
    ["from+to", { from: 1000, to: 2000 }, { ok: true, value: { from: 1000, to: 2000 } }],
    ["exactly 400 days", { from: 0, to: 400 * dayMs }, { ok: true, value: { from: 0, to: 400 * dayMs } }],
    ["nothing", {}, { ok: false, error: "A period needs a preset, or both from and to." }],
    ["only from", { from: 1000 }, { ok: false, error: "A period needs a preset, or both from and to." }],
    ["only to", { to: 1000 }, { ok: false, error: "A period needs a preset, or both from and to." }],
    ["preset and from", { preset: "LAST_HOUR", from: 1000 }, { ok: false, error: "Give either period.preset or period.from and period.to, not both." }],
    ["preset and to", { preset: "LAST_HOUR", to: 1000 }, { ok: false, error: "Give either period.preset or period.from and period.to, not both." }],
    ["from = to", { from: 1000, to: 1000 }, { ok: false, error: "period.from must be before period.to." }],
    ["from > to", { from: 2000, to: 1000 }, { ok: false, error: "period.from must be before period.to." }],
    ["400 days + 1 ms", { from: 0, to: 400 * dayMs + 1 }, { ok: false, error: "A period can be at most 400 days long." }],
  ] as const)("%s", (_name, input, expected) => {
    expect(resolvePeriod(input, now)).toEqual(expected as never);
  });

  test("the previous period has the same length and ends where the current one starts", () => {
    expect(previousPeriod({ from: 1000, to: 1600 })).toEqual({ from: 400, to: 1000 });
  });
});

describe("splitPeriod", () => {
  const h = (n: number) => T0 + n * hourMs;
  test.each([
    ["inside one hour", { from: h(1) + 5, to: h(1) + 10 }, { events: [{ from: h(1) + 5, to: h(1) + 10 }], hours: [], days: [] }],
    ["across an hour edge, no whole hour", { from: h(1) + 5, to: h(2) + 5 }, { events: [{ from: h(1) + 5, to: h(2) + 5 }], hours: [], days: [] }],
    ["whole hours", { from: h(1), to: h(3) }, { events: [], hours: [{ from: h(1), to: h(3) }], days: [] }],
    [
      "partial edges around whole hours",
      { from: h(1) + 5, to: h(4) + 7 },
      { events: [{ from: h(1) + 5, to: h(2) }, { from: h(4), to: h(4) + 7 }], hours: [{ from: h(2), to: h(4) }], days: [] },
    ],
    ["whole days", { from: T0, to: T0 + 2 * dayMs }, { events: [], hours: [], days: [{ from: T0, to: T0 + 2 * dayMs }] }],
    [
      "days, hours and events",
      { from: h(-2) - 9, to: h(24 + 3) + 11 },
      {
        events: [{ from: h(-2) - 9, to: h(-2) }, { from: h(27), to: h(27) + 11 }],
        hours: [{ from: h(-2), to: T0 }, { from: h(24), to: h(27) }],
        days: [{ from: T0, to: h(24) }],
      },
    ],
  ])("%s", (_name, period, expected) => {
    expect(splitPeriod(period)).toEqual(expected);
  });

  test("the pieces tile the period exactly, for arbitrary boundaries", () => {
    for (let i = 0; i < 500; i++) {
      const from = T0 + Math.floor(Math.random() * 10 * dayMs);
      const to = from + 1 + Math.floor(Math.random() * 5 * dayMs);
      const s = splitPeriod({ from, to });
      const pieces = [...s.events, ...s.hours, ...s.days].sort((a, b) => a.from - b.from);
      expect(pieces[0]!.from).toBe(from);
      expect(pieces.at(-1)!.to).toBe(to);
      for (let k = 1; k < pieces.length; k++) expect(pieces[k]!.from).toBe(pieces[k - 1]!.to);
      for (const r of s.hours) expect([r.from % hourMs, r.to % hourMs]).toEqual([0, 0]);
      for (const r of s.days) expect([r.from % dayMs, r.to % dayMs]).toEqual([0, 0]);
    }
  });
});

const event = (over: Partial<EventRow>): RollupEvent => ({
  org_id: "org-a",
  created_at: T0,
  provider: "openai",
  model: "gpt-4o",
  feature: null,
  task: null,
  status: 200,
  error_code: null,
  latency_ms: 100,
  cost_usd: 0.001,
  price_known: true,
  input_tokens: 10,
  output_tokens: 5,
  ...over,
});

describe("aggregateEvents", () => {
  test("folds a batch into hourly rows (every dimension), daily rows (no feature/task) and status counts", () => {
    const batch = [
      event({ created_at: T0 + 1, feature: "chat-bot", task: "chat", latency_ms: 100 }),
      event({ created_at: T0 + 2, feature: "chat-bot", task: "chat", latency_ms: 300, status: 429, error_code: "upstream_error", cost_usd: null, input_tokens: null, output_tokens: null }),
      event({ created_at: T0 + hourMs + 3, latency_ms: 50, status: 400, error_code: "upstream_error", price_known: false, cost_usd: null }),
      event({ created_at: T0 + 4, org_id: "org-b", provider: "groq", model: "llama", cost_usd: 0.5 }),
    ];
    const out = aggregateEvents(batch);
    const hist = (...ms: number[]) => {
      const h = new Array(latencyBucketCount).fill(0);
      for (const m of ms) h[latencyBucket(m)]++;
      return h;
    };
    const sums = (o: object) => ({ ...emptySums(), ...o });
    expect(out.hours).toEqual([
      {
        orgId: "org-a", start: T0, provider: "openai", model: "gpt-4o", feature: "chat-bot", task: "chat",
        ...sums({ requests: 2, errors: 1, costUsd: 0.001, inputTokens: 10, outputTokens: 5, latencySumMs: 400, latencyMinMs: 100, latencyMaxMs: 300, lastErrorAt: T0 + 2, histogram: hist(100, 300) }),
      },
      {
        orgId: "org-a", start: T0 + hourMs, provider: "openai", model: "gpt-4o", feature: null, task: null,
        ...sums({ requests: 1, unpriced: 1, inputTokens: 10, outputTokens: 5, latencySumMs: 50, latencyMinMs: 50, latencyMaxMs: 50, histogram: hist(50) }),
      },
      {
        orgId: "org-b", start: T0, provider: "groq", model: "llama", feature: null, task: null,
        ...sums({ requests: 1, costUsd: 0.5, inputTokens: 10, outputTokens: 5, latencySumMs: 100, latencyMinMs: 100, latencyMaxMs: 100, histogram: hist(100) }),
      },
    ]);
    expect(out.days).toEqual([
      {
        orgId: "org-a", start: T0, provider: "openai", model: "gpt-4o", feature: null, task: null,
        ...sums({ requests: 3, errors: 1, unpriced: 1, costUsd: 0.001, inputTokens: 20, outputTokens: 10, latencySumMs: 450, latencyMinMs: 50, latencyMaxMs: 300, lastErrorAt: T0 + 2, histogram: hist(100, 300, 50) }),
      },
      {
        orgId: "org-b", start: T0, provider: "groq", model: "llama", feature: null, task: null,
        ...sums({ requests: 1, costUsd: 0.5, inputTokens: 10, outputTokens: 5, latencySumMs: 100, latencyMinMs: 100, latencyMaxMs: 100, histogram: hist(100) }),
      },
    ]);
    expect(out.hourStatuses).toEqual([
      { orgId: "org-a", start: T0, provider: "openai", status: 200, requests: 1 },
      { orgId: "org-a", start: T0, provider: "openai", status: 429, requests: 1 },
      { orgId: "org-a", start: T0 + hourMs, provider: "openai", status: 400, requests: 1 },
      { orgId: "org-b", start: T0, provider: "groq", status: 200, requests: 1 },
    ]);
    expect(out.dayStatuses).toEqual([
      { orgId: "org-a", start: T0, provider: "openai", status: 200, requests: 1 },
      { orgId: "org-a", start: T0, provider: "openai", status: 429, requests: 1 },
      { orgId: "org-a", start: T0, provider: "openai", status: 400, requests: 1 },
      { orgId: "org-b", start: T0, provider: "groq", status: 200, requests: 1 },
    ]);
  });

  test("keys cannot collide through separators in free-form values", () => {
    const out = aggregateEvents([event({ feature: "a|b", model: "m" }), event({ feature: "a", model: "b|m" })]);
    expect(out.hours.length).toBe(2);
  });
});

describe("reports", () => {
  const row = (o: Partial<Parameters<typeof modelDistribution>[0][number]>) => ({ part: 0, provider: "openai", model: "", slot: 0, ...emptySums(), ...o });

  test("costBreakdown: totals, change, unpriced requests, and every provider with traffic in either period, costliest first", () => {
    const cur = { from: 2000, to: 3000 };
    const prev = { from: 1000, to: 2000 };
    const out = costBreakdown(cur, prev, [
      row({ part: 0, provider: "openai", costUsd: 3, requests: 30, unpriced: 4 }),
      // the previous period's unpriced requests are not this period's
      row({ part: 1, provider: "openai", costUsd: 2, requests: 20, unpriced: 7 }),
      row({ part: 0, provider: "groq", costUsd: 5, requests: 10 }),
      row({ part: 1, provider: "anthropic", costUsd: 1, requests: 1 }),
    ]);
    expect(out).toEqual({
      from: 2000, to: 3000, previousFrom: 1000, previousTo: 2000,
      totalCostUsd: 8, previousTotalCostUsd: 3, changePct: ((8 - 3) / 3) * 100,
      requests: 40, previousRequests: 21, unpricedRequests: 4,
      providers: [
        { provider: "groq", costUsd: 5, previousCostUsd: 0, changePct: null, requests: 10, previousRequests: 0, unpricedRequests: 0 },
        { provider: "openai", costUsd: 3, previousCostUsd: 2, changePct: 50, requests: 30, previousRequests: 20, unpricedRequests: 4 },
        { provider: "anthropic", costUsd: 0, previousCostUsd: 1, changePct: -100, requests: 0, previousRequests: 1, unpricedRequests: 0 },
      ],
    });
  });

  test("modelDistribution: most requests first, averages and rates per model", () => {
    const h = new Array(latencyBucketCount).fill(0);
    h[latencyBucket(200)] = 4;
    const out = modelDistribution([
      row({ provider: "groq", model: "llama", requests: 1, latencySumMs: 10, latencyMinMs: 10, latencyMaxMs: 10, histogram: [...h].fill(0).map((_, i) => (i === latencyBucket(10) ? 1 : 0)) }),
      row({ provider: "openai", model: "gpt-4o", requests: 4, errors: 1, unpriced: 2, costUsd: 0.4, inputTokens: 40, outputTokens: 8, latencySumMs: 800, latencyMinMs: 200, latencyMaxMs: 200, histogram: h }),
    ]);
    expect(out).toEqual([
      { model: "gpt-4o", provider: "openai", requests: 4, errors: 1, costUsd: 0.4, avgLatencyMs: 200, p95LatencyMs: 200, inputTokens: 40, outputTokens: 8, errorRate: 0.25, unpricedRequests: 2 },
      { model: "llama", provider: "groq", requests: 1, errors: 0, costUsd: 0, avgLatencyMs: 10, p95LatencyMs: 10, inputTokens: 0, outputTokens: 0, errorRate: 0, unpricedRequests: 0 },
    ]);
  });

  test("providerHealth: every provider in the registry's order, status counts sorted", () => {
    const out = providerHealth(
      [
        row({
          provider: "gemini",
          requests: 4,
          errors: 1,
          latencySumMs: 400,
          latencyMinMs: 40,
          latencyMaxMs: 250,
          lastErrorAt: 77,
          histogram: new Array(latencyBucketCount).fill(0).map((_, i) => (i === latencyBucket(40) ? 2 : i === latencyBucket(250) ? 2 : 0)),
        }),
      ],
      [
        { provider: "gemini", status: 500, requests: 1 },
        { provider: "gemini", status: 200, requests: 3 },
      ],
    );
    expect(out.map((p) => p.provider)).toEqual(["openai", "anthropic", "groq", "gemini", "azure", "mistral", "deepseek", "xai", "openrouter"]);
    // nearest rank: the 2nd of 4 sits in 40 ms's bucket, the 4th in 250 ms's; each is its bucket's (log) middle
    expect(out[3]).toEqual({ provider: "gemini", requests: 4, errors: 1, errorRate: 0.25, avgLatencyMs: 100, p50LatencyMs: expect.closeTo(50.119, 3), p95LatencyMs: expect.closeTo(199.526, 3), lastErrorAt: 77, statusCounts: [{ status: 200, count: 3 }, { status: 500, count: 1 }] });
    expect(out[0]).toEqual({ provider: "openai", requests: 0, errors: 0, errorRate: 0, avgLatencyMs: null, p50LatencyMs: null, p95LatencyMs: null, lastErrorAt: null, statusCounts: [] });
  });

  test("usageSeries: one point per slot from the one holding `from`, zeros filled", () => {
    const histogram = new Array(32).fill(0);
    histogram[latencyBucket(1200)] = 2;
    const out = usageSeries({ from: T0 + 30 * 60_000, to: T0 + 3 * hourMs }, hourMs, [
      row({ slot: T0 + hourMs, requests: 2, costUsd: 1, errors: 1, inputTokens: 3, outputTokens: 4, histogram, latencyMinMs: 1200, latencyMaxMs: 1200 }),
    ]);
    expect(out).toEqual([
      { start: T0, requests: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, errors: 0, p95LatencyMs: null },
      // the slot's p95 from its histogram, clamped to what was seen
      { start: T0 + hourMs, requests: 2, costUsd: 1, inputTokens: 3, outputTokens: 4, errors: 1, p95LatencyMs: 1200 },
      { start: T0 + 2 * hourMs, requests: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, errors: 0, p95LatencyMs: null },
    ]);
  });
});

test("addEvent and the histogram agree with aggregateEvents", () => {
  const s = emptySums();
  addEvent(s, event({ latency_ms: 0.2 }));
  expect([s.requests, s.histogram[0]]).toEqual([1, 1]);
});
