/**
 * Every query against events recorded by real proxied requests (five
 * providers, streams, provider errors, client errors, a stalled stream, an
 * unknown model), compared with the events as stored.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { providerIds } from "../../src/providers/types.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

type Stored = Awaited<ReturnType<Fixture["lectr"]["events"]>>[number];

let f: Fixture;
let gql: Gql;
/** Newest first, as stored. */
let events: Stored[];
const hour = 3_600_000;

const chat = (model: string, extra: object = {}) => ({ model, messages: [{ role: "user", content: "Hi" }], ...extra });
const isError = (e: Stored) => e.status >= 500 || e.status === 429 || e.error_code === "upstream_timeout" || e.error_code === "upstream_unreachable";
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const upper = (p: string) => p.toUpperCase();

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_STREAM_IDLE_TIMEOUT_MS: "300" } });
  gql = gqlClient(f.lectr, orgKey(f.lectr.key));
  const auth = (p: keyof typeof providerKeys) => ({ authorization: `Bearer ${providerKeys[p]}` });
  const send = async (body: object, headers: Record<string, string> = {}, mock?: () => void) => {
    for (const m of Object.values(f.mocks)) m.reset();
    mock?.();
    const res = await f.post("/v1/chat/completions", body, headers);
    await res.text();
  };
  await send(chat("gpt-4o"), { "x-lectr-feature": "support-bot", "x-lectr-task": "chat" });
  await send(chat("gpt-4o", { stream: true }), { "x-lectr-feature": "support-bot" });
  await send(chat("gpt-4o-mini"), { "x-lectr-task": "classification" });
  await send(chat("claude-3-5-sonnet-20241022", { stream: true }), auth("anthropic"));
  await send(chat("llama-3.3-70b-versatile"), auth("groq"));
  await send(chat("gemini-2.5-flash"), auth("gemini"));
  await send(chat("prod-gpt4o"), { ...auth("azure"), "x-lectr-provider": "azure" });
  await send(chat("gpt-4o"), {}, () => f.mocks.openai.setBehavior({ status: 429 }));
  await send(chat("gpt-4o"), {}, () => f.mocks.openai.setBehavior({ status: 500 }));
  await send(chat("gpt-4o"), {}, () => f.mocks.openai.setBehavior({ status: 400 }));
  // stalls after two chunks: answered 200, ended with upstream_timeout by the idle timeout
  await send(chat("llama-3.3-70b-versatile", { stream: true }), auth("groq"), () => f.mocks.groq.setBehavior({ stallAfterChunks: 2 }));
  await send(chat("my-finetune"));
  // refused by Lectr itself (a client error): recorded, not a provider error
  await send(chat("gpt-4o"), { "x-lectr-task": "poetry" });
  events = await f.lectr.events();
});
afterAll(() => f.stop());

test("the traffic is what the assertions below assume", () => {
  expect(events.length).toBe(13);
  // (requests in the same millisecond sort by id, so compare as sets)
  expect(events.filter(isError).map((e) => `${e.provider} ${e.status} ${e.error_code}`).sort()).toEqual([
    "groq 200 upstream_timeout",
    "openai 429 upstream_error",
    "openai 500 upstream_error",
  ]);
  // the refused request never had its body read: no model, no price
  expect(events.filter((e) => !e.price_known).map((e) => e.model).sort()).toEqual(["", "my-finetune"]);
});

test("costBreakdown: totals and providers for the last hour, nothing before it", async () => {
  const r = await gql(`{ costBreakdown(period: { preset: LAST_HOUR }) {
    from to previousFrom previousTo totalCostUsd previousTotalCostUsd changePct requests previousRequests
    providers { provider costUsd previousCostUsd changePct requests previousRequests } } }`);
  expect(r.errors).toBeUndefined();
  const c = r.data.costBreakdown;
  const [from, to] = [Date.parse(c.from), Date.parse(c.to)];
  expect(to - from).toBe(hour);
  expect([Date.parse(c.previousFrom), Date.parse(c.previousTo)]).toEqual([from - hour, from]);
  expect(c.totalCostUsd).toBeCloseTo(sum(events.map((e) => e.cost_usd ?? 0)), 12);
  expect(c.totalCostUsd).toBeGreaterThan(0);
  expect({ ...c, totalCostUsd: 0, from: 0, to: 0, previousFrom: 0, previousTo: 0, providers: [] }).toEqual({
    from: 0, to: 0, previousFrom: 0, previousTo: 0, totalCostUsd: 0, previousTotalCostUsd: 0, changePct: null, requests: 13, previousRequests: 0, providers: [],
  });
  const providers = [...new Set(events.map((e) => e.provider))];
  expect(c.providers.length).toBe(providers.length);
  for (const p of c.providers) {
    const mine = events.filter((e) => upper(e.provider) === p.provider);
    expect(p.costUsd).toBeCloseTo(sum(mine.map((e) => e.cost_usd ?? 0)), 12);
    expect([p.requests, p.previousCostUsd, p.previousRequests, p.changePct]).toEqual([mine.length, 0, 0, null]);
  }
  // costliest first
  expect(c.providers.map((p: { costUsd: number }) => p.costUsd)).toEqual([...c.providers.map((p: { costUsd: number }) => p.costUsd)].sort((a, b) => b - a));
});

describe("modelDistribution", () => {
  const fields = "model provider requests errors costUsd avgLatencyMs p95LatencyMs inputTokens outputTokens errorRate unpricedRequests";

  test("one row per model, most requests first, each matching its events", async () => {
    const r = await gql(`{ modelDistribution(period: { preset: LAST_HOUR }) { ${fields} } }`);
    expect(r.errors).toBeUndefined();
    const rows = r.data.modelDistribution as any[];
    const models = new Map<string, Stored[]>();
    for (const e of events) models.set(`${e.provider}/${e.model}`, [...(models.get(`${e.provider}/${e.model}`) ?? []), e]);
    expect(rows.length).toBe(models.size);
    expect(rows.map((m) => m.requests)).toEqual(rows.map((m) => m.requests).sort((a, b) => b - a));
    for (const m of rows) {
      const mine = models.get(`${m.provider.toLowerCase()}/${m.model}`)!;
      const latencies = mine.map((e) => e.latency_ms).sort((a, b) => a - b);
      const errors = mine.filter(isError).length;
      expect({ ...m, costUsd: 0, avgLatencyMs: 0, p95LatencyMs: 0 }).toEqual({
        model: m.model,
        provider: m.provider,
        requests: mine.length,
        errors,
        costUsd: 0,
        avgLatencyMs: 0,
        p95LatencyMs: 0,
        inputTokens: sum(mine.map((e) => e.input_tokens ?? 0)),
        outputTokens: sum(mine.map((e) => e.output_tokens ?? 0)),
        errorRate: errors / mine.length,
        unpricedRequests: mine.filter((e) => !e.price_known).length,
      });
      expect(m.costUsd).toBeCloseTo(sum(mine.map((e) => e.cost_usd ?? 0)), 12);
      expect(m.avgLatencyMs).toBeCloseTo(sum(latencies) / latencies.length, 6);
      const exactP95 = latencies[Math.ceil(0.95 * latencies.length) - 1]!;
      if (latencies.length === 1) expect(m.p95LatencyMs).toBe(exactP95);
      expect(Math.max(m.p95LatencyMs / exactP95, exactP95 / m.p95LatencyMs)).toBeLessThanOrEqual(1.26);
    }
  });

  test("filtered by provider", async () => {
    const r = await gql(`{ modelDistribution(period: { preset: LAST_HOUR }, provider: GROQ) { model provider requests errors } }`);
    expect(r.data.modelDistribution).toEqual([{ model: "llama-3.3-70b-versatile", provider: "GROQ", requests: 2, errors: 1 }]);
  });
});

test("providerHealth (default: the last hour): every provider, errors as the provider's, status counts", async () => {
  const r = await gql(`{ providerHealth { provider requests errors errorRate avgLatencyMs lastErrorAt statusCounts { status count } } }`);
  expect(r.errors).toBeUndefined();
  const expected = providerIds.map((p) => {
    const mine = events.filter((e) => e.provider === p);
    const errs = mine.filter(isError);
    const statuses = [...new Set(mine.map((e) => e.status))].sort((a, b) => a - b);
    return {
      provider: upper(p),
      requests: mine.length,
      errors: errs.length,
      errorRate: mine.length ? errs.length / mine.length : 0,
      avgLatencyMs: mine.length ? sum(mine.map((e) => e.latency_ms)) / mine.length : null,
      lastErrorAt: errs.length ? new Date(Math.max(...errs.map((e) => e.created_at))).toISOString() : null,
      statusCounts: statuses.map((status) => ({ status, count: mine.filter((e) => e.status === status).length })),
    };
  });
  const got = r.data.providerHealth.map((p: { avgLatencyMs: number | null }) => ({ ...p, avgLatencyMs: p.avgLatencyMs === null ? null : Math.round(p.avgLatencyMs * 1e6) }));
  expect(got).toEqual(expected.map((p) => ({ ...p, avgLatencyMs: p.avgLatencyMs === null ? null : Math.round(p.avgLatencyMs * 1e6) })));
  // the 400s (an upstream 400 and Lectr's own refusal) are counted, not as errors
  expect(r.data.providerHealth[0].statusCounts).toContainEqual({ status: 400, count: 2 });
  expect(r.data.providerHealth[0].errors).toBe(2);
});

describe("usageSeries", () => {
  const slotOf = (t: number) => t - (t % hour);

  test("hourly points over the last hour, oldest first, adding up to the events", async () => {
    const r = await gql(`{ usageSeries(period: { preset: LAST_HOUR }, bucket: HOUR) { start requests costUsd inputTokens outputTokens errors } }`);
    expect(r.errors).toBeUndefined();
    const points = r.data.usageSeries as any[];
    // from (now − 1 h) is not on an hour: the hour holding it, then the current one
    expect(points.length).toBe(2);
    expect(Date.parse(points[1].start) - Date.parse(points[0].start)).toBe(hour);
    for (const p of points) {
      const mine = events.filter((e) => slotOf(e.created_at) === Date.parse(p.start));
      expect({ ...p, costUsd: 0 }).toEqual({
        start: p.start,
        requests: mine.length,
        costUsd: 0,
        inputTokens: sum(mine.map((e) => e.input_tokens ?? 0)),
        outputTokens: sum(mine.map((e) => e.output_tokens ?? 0)),
        errors: mine.filter(isError).length,
      });
      expect(p.costUsd).toBeCloseTo(sum(mine.map((e) => e.cost_usd ?? 0)), 12);
    }
    expect(sum(points.map((p) => p.requests))).toBe(events.length);
  });

  test("daily, filtered by provider and model", async () => {
    const r = await gql(`{ usageSeries(period: { preset: LAST_24_HOURS }, bucket: DAY, provider: OPENAI, model: "gpt-4o") { start requests errors } }`);
    const points = r.data.usageSeries as { start: string; requests: number; errors: number }[];
    expect(points.every((p) => Date.parse(p.start) % 86_400_000 === 0)).toBe(true);
    const mine = events.filter((e) => e.provider === "openai" && e.model === "gpt-4o");
    expect([sum(points.map((p) => p.requests)), sum(points.map((p) => p.errors))]).toEqual([mine.length, mine.filter(isError).length]);
  });
});

describe("events", () => {
  const node = "id createdAt provider providerSource providerUnknown model responseModel endpoint streamed status errorCode latencyMs ttfbMs inputTokens outputTokens cachedInputTokens reasoningTokens costUsd feature task priceKnown";

  test("newest first, every field as stored", async () => {
    const r = await gql(`{ events { edges { cursor node { ${node} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`);
    expect(r.errors).toBeUndefined();
    const edges = r.data.events.edges as { cursor: string; node: any }[];
    expect(edges.map((x) => x.node.id)).toEqual(events.map((e) => e.id));
    const e = events[0]!;
    expect(edges[0]!.node).toEqual({
      id: e.id,
      createdAt: new Date(e.created_at).toISOString(),
      provider: upper(e.provider),
      providerSource: e.provider_source,
      providerUnknown: e.provider_unknown,
      model: e.model,
      responseModel: e.response_model,
      endpoint: e.endpoint,
      streamed: e.streamed,
      status: e.status,
      errorCode: e.error_code,
      latencyMs: e.latency_ms,
      ttfbMs: e.ttfb_ms,
      inputTokens: e.input_tokens,
      outputTokens: e.output_tokens,
      cachedInputTokens: e.cached_input_tokens,
      reasoningTokens: e.reasoning_tokens,
      costUsd: e.cost_usd,
      feature: e.feature,
      task: e.task,
      priceKnown: e.price_known,
    });
    expect(r.data.events.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: edges[0]!.cursor, endCursor: edges.at(-1)!.cursor });
  });

  test.each([
    ["provider", "{ provider: GROQ }", (e: Stored) => e.provider === "groq"],
    ["model", '{ model: "gpt-4o" }', (e: Stored) => e.model === "gpt-4o"],
    ["feature", '{ feature: "support-bot" }', (e: Stored) => e.feature === "support-bot"],
    ["task", '{ task: "classification" }', (e: Stored) => e.task === "classification"],
    ["status", "{ status: 400 }", (e: Stored) => e.status === 400],
    ["errorsOnly", "{ errorsOnly: true }", isError],
    ["errorsOnly: false is no filter", "{ errorsOnly: false }", () => true],
    ["providerUnknown", "{ providerUnknown: true }", (e: Stored) => e.provider_unknown],
    ["several at once", '{ provider: OPENAI, model: "gpt-4o", errorsOnly: true }', (e: Stored) => e.provider === "openai" && e.model === "gpt-4o" && isError(e)],
  ])("filter: %s", async (_name, filter, keep) => {
    const r = await gql(`{ events(filter: ${filter}) { edges { node { id } } } }`);
    expect(r.errors).toBeUndefined();
    const ids = r.data.events.edges.map((x: { node: { id: string } }) => x.node.id);
    expect(ids).toEqual(events.filter(keep).map((e) => e.id));
    expect(ids.length).toBeGreaterThan(0);
  });

  test("pages of 2 walk every event once, in order, and stay put while new events arrive", async () => {
    const page = (after: string | null) =>
      gql(`query($after: String) { events(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
    const first = await page(null);
    // traffic after the first page is newer: it must not shift the pages that follow
    await f.post("/v1/chat/completions", chat("gpt-4o"));
    await f.lectr.lectr.recorder.settled();
    const ids: string[] = first.data.events.edges.map((x: { node: { id: string } }) => x.node.id);
    let info = first.data.events.pageInfo;
    let pages = 1;
    while (info.hasNextPage) {
      const next = await page(info.endCursor);
      const got = next.data.events.edges.map((x: { node: { id: string } }) => x.node.id);
      expect(got.length).toBeGreaterThan(0);
      ids.push(...got);
      info = next.data.events.pageInfo;
      pages++;
    }
    expect(ids).toEqual(events.map((e) => e.id));
    expect(pages).toBe(Math.ceil(events.length / 2));
    expect(info.endCursor).not.toBeNull();
  });

  test("first: 0 answers an empty page that knows there is more", async () => {
    const r = await gql(`{ events(first: 0) { edges { cursor } pageInfo { hasNextPage endCursor } } }`);
    expect(r.data.events).toEqual({ edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });
});

test("settings: the fixture's Azure endpoint", async () => {
  const r = await gql(`{ settings { azure { endpoint apiVersion } } }`);
  expect(r.data.settings).toEqual({ azure: { endpoint: f.mocks.azure.baseUrl, apiVersion: "2024-10-21" } });
});
