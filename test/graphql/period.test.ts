/**
 * Period-over-period and bucket math on fixed timestamps: events inserted at
 * chosen times through the real batch writer, read through the real server.
 * The periods start and end mid-hour, so every answer mixes daily rollups,
 * hourly rollups and events.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createOrg } from "../../src/db/orgs.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";
import { eventRow } from "../helpers/rows.ts";

const T = Date.UTC(2026, 2, 10); // 2026-03-10T00:00Z
const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;
const iso = (t: number) => new Date(t).toISOString();

/** [from, to) = 2026-03-11T00:30Z … 2026-03-13T00:30Z; the previous period is the two days before. */
const current = { from: T + day + 30 * min, to: T + 3 * day + 30 * min };
const previous = { from: T - day + 30 * min, to: current.from };

let l: TestLectr;
let gql: Gql;

const ev = eventRow;

beforeAll(async () => {
  l = await startLectr();
  gql = gqlClient(l, orgKey(l.key));
  const keyId = (await l.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [l.orgId] })).rows[0]!.id as string;
  const other = await createOrg(l.lectr.database.db, "other");
  const a = (at: number, o?: Partial<EventRow>) => ev(l.orgId, keyId, at, o);
  const b = (at: number, o?: Partial<EventRow>) => ev(other.org.id, other.keyRow.id, at, o);
  await insertEvents(l.lectr.database.writePath, [
    // before the previous period, and at the current period's `to`: outside both
    a(previous.from - 1, { cost_usd: 100 }),
    a(current.to, { cost_usd: 100 }),
    // previous period: its `from` is included
    a(previous.from, { provider: "groq", model: "llama", cost_usd: 0.5 }),
    a(T, { cost_usd: 1 }),
    a(current.from - 1, { cost_usd: 1 }),
    // current period: its `from` is included
    a(current.from, { cost_usd: 2, latency_ms: 1000 }),
    a(T + 2 * day, { cost_usd: 1, latency_ms: 3000, input_tokens: 7, output_tokens: 3 }),
    a(T + 2 * day + 90 * min, { status: 429, error_code: "upstream_error", cost_usd: null, input_tokens: null, output_tokens: null, latency_ms: 40 }),
    a(T + 3 * day + 29 * min, { provider: "anthropic", model: "claude", cost_usd: 0.25, status: 500, error_code: "upstream_error" }),
    a(T + 3 * day + 10 * min, { provider: "gemini", model: "mystery", cost_usd: null, price_known: false }),
    // another org's traffic in the same periods never counts
    b(current.from, { cost_usd: 1000 }),
    b(T, { cost_usd: 1000 }),
  ]);
});
afterAll(() => l.stop());

const periodArg = (p: { from: number; to: number }) => `{ from: "${iso(p.from)}", to: "${iso(p.to)}" }`;

test("costBreakdown: current against previous, per provider, boundaries [from, to)", async () => {
  const r = await gql(`{ costBreakdown(period: ${periodArg(current)}) {
    from to previousFrom previousTo totalCostUsd previousTotalCostUsd changePct requests previousRequests
    providers { provider costUsd previousCostUsd changePct requests previousRequests } } }`);
  expect(r.errors).toBeUndefined();
  const c = r.data.costBreakdown;
  expect({ ...c, changePct: Math.round(c.changePct * 1e9) / 1e9 }).toEqual({
    from: iso(current.from),
    to: iso(current.to),
    previousFrom: iso(previous.from),
    previousTo: iso(previous.to),
    totalCostUsd: 3.25,
    previousTotalCostUsd: 2.5,
    changePct: 30,
    requests: 5,
    previousRequests: 3,
    providers: [
      { provider: "OPENAI", costUsd: 3, previousCostUsd: 2, changePct: 50, requests: 3, previousRequests: 2 },
      { provider: "ANTHROPIC", costUsd: 0.25, previousCostUsd: 0, changePct: null, requests: 1, previousRequests: 0 },
      { provider: "GROQ", costUsd: 0, previousCostUsd: 0.5, changePct: -100, requests: 0, previousRequests: 1 },
      { provider: "GEMINI", costUsd: 0, previousCostUsd: 0, changePct: null, requests: 1, previousRequests: 0 },
    ],
  });
});

test("costBreakdown: changePct against the day before; null when the previous period cost nothing", async () => {
  const r = await gql(`{ costBreakdown(period: { from: "${iso(current.to)}", to: "${iso(current.to + day)}" }) { totalCostUsd previousTotalCostUsd changePct } }`);
  // previous: [T+2d 00:30, T+3d 00:30) holds only claude's $0.25
  expect(r.data.costBreakdown).toEqual({ totalCostUsd: 100, previousTotalCostUsd: 0.25, changePct: 39_900 });
  const empty = await gql(`{ costBreakdown(period: { from: "2020-01-01", to: "2020-01-02" }) { totalCostUsd changePct providers { provider } } }`);
  expect(empty.data.costBreakdown).toEqual({ totalCostUsd: 0, changePct: null, providers: [] });
});

test("modelDistribution over the current period", async () => {
  const r = await gql(`{ modelDistribution(period: ${periodArg(current)}) {
    model provider requests errors costUsd avgLatencyMs p95LatencyMs inputTokens outputTokens errorRate unpricedRequests } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.modelDistribution).toEqual([
    // 1000, 3000 and 40 ms: the 95th percentile is the slowest, 3000 ms
    { model: "gpt-4o", provider: "OPENAI", requests: 3, errors: 1, costUsd: 3, avgLatencyMs: 4040 / 3, p95LatencyMs: 3000, inputTokens: 17, outputTokens: 5, errorRate: 1 / 3, unpricedRequests: 0 },
    // equal requests: the costlier first
    { model: "claude", provider: "ANTHROPIC", requests: 1, errors: 1, costUsd: 0.25, avgLatencyMs: 100, p95LatencyMs: 100, inputTokens: 10, outputTokens: 2, errorRate: 1, unpricedRequests: 0 },
    { model: "mystery", provider: "GEMINI", requests: 1, errors: 0, costUsd: 0, avgLatencyMs: 100, p95LatencyMs: 100, inputTokens: 10, outputTokens: 2, errorRate: 0, unpricedRequests: 1 },
  ]);
});

test("providerHealth over a fixed period: errors, last error, status counts", async () => {
  const r = await gql(`{ providerHealth(period: ${periodArg(current)}) { provider requests errors errorRate avgLatencyMs lastErrorAt statusCounts { status count } } }`);
  expect(r.data.providerHealth).toEqual([
    { provider: "OPENAI", requests: 3, errors: 1, errorRate: 1 / 3, avgLatencyMs: 4040 / 3, lastErrorAt: iso(T + 2 * day + 90 * min), statusCounts: [{ status: 200, count: 2 }, { status: 429, count: 1 }] },
    { provider: "ANTHROPIC", requests: 1, errors: 1, errorRate: 1, avgLatencyMs: 100, lastErrorAt: iso(T + 3 * day + 29 * min), statusCounts: [{ status: 500, count: 1 }] },
    { provider: "GROQ", requests: 0, errors: 0, errorRate: 0, avgLatencyMs: null, lastErrorAt: null, statusCounts: [] },
    { provider: "GEMINI", requests: 1, errors: 0, errorRate: 0, avgLatencyMs: 100, lastErrorAt: null, statusCounts: [{ status: 200, count: 1 }] },
    { provider: "AZURE", requests: 0, errors: 0, errorRate: 0, avgLatencyMs: null, lastErrorAt: null, statusCounts: [] },
    ...["MISTRAL", "DEEPSEEK", "XAI", "OPENROUTER"].map((provider) => ({ provider, requests: 0, errors: 0, errorRate: 0, avgLatencyMs: null, lastErrorAt: null, statusCounts: [] })),
  ]);
});

describe("usageSeries", () => {
  const point = (start: number, o: object = {}) => ({ start: iso(start), requests: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, errors: 0, ...o });

  test("DAY: UTC days from the one holding `from`; partial first and last days", async () => {
    const r = await gql(`{ usageSeries(period: ${periodArg(current)}, bucket: DAY) { start requests costUsd inputTokens outputTokens errors } }`);
    expect(r.data.usageSeries).toEqual([
      point(T + day, { requests: 1, costUsd: 2, inputTokens: 10, outputTokens: 2 }),
      point(T + 2 * day, { requests: 2, costUsd: 1, inputTokens: 7, outputTokens: 3, errors: 1 }),
      point(T + 3 * day, { requests: 2, costUsd: 0.25, inputTokens: 20, outputTokens: 4, errors: 1 }),
    ]);
  });

  test("HOUR, with zeros where nothing happened, filtered by provider and model", async () => {
    const r = await gql(`{ usageSeries(period: { from: "${iso(T + 2 * day)}", to: "${iso(T + 2 * day + 3 * hour)}" }, bucket: HOUR, provider: OPENAI, model: "gpt-4o") { start requests costUsd inputTokens outputTokens errors } }`);
    expect(r.data.usageSeries).toEqual([
      point(T + 2 * day, { requests: 1, costUsd: 1, inputTokens: 7, outputTokens: 3 }),
      point(T + 2 * day + hour, { requests: 1, errors: 1 }),
      point(T + 2 * day + 2 * hour),
    ]);
    const none = await gql(`{ usageSeries(period: { from: "${iso(T + 2 * day)}", to: "${iso(T + 2 * day + hour)}" }, bucket: HOUR, model: "claude") { requests } }`);
    expect(none.data.usageSeries).toEqual([{ requests: 0 }]);
  });
});

test("epoch milliseconds work as DateTime too (what Grafana's ${__from} gives)", async () => {
  const r = await gql(`query($from: DateTime!, $to: DateTime!) { costBreakdown(period: { from: $from, to: $to }) { totalCostUsd } }`, {
    from: String(current.from),
    to: current.to,
  });
  expect(r.data.costBreakdown.totalCostUsd).toBe(3.25);
});
