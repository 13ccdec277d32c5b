/**
 * Prices are bounded and every cost is finite: an org's own price, however
 * large, moves only that org's figures, never the shared cost counter; an
 * absurd price is refused; absurd token counts make a cost unknown, not Infinity.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { parseExposition, sampleValue, type Sample } from "../helpers/prom-parse.ts";
import { bearer, gqlClient, type Gql } from "../graphql/client.ts";
import { computeCost } from "../../src/pricing/cost.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";

const adminToken = "admin-token-for-price-bounds-0123";
const metricsToken = "metrics-token-for-price-bounds-0123";
let f: Fixture;
let admin: Gql;
let otherKey: string;
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: adminToken, LECTR_METRICS_TOKEN: metricsToken } });
  admin = gqlClient(f.lectr, bearer(adminToken));
  otherKey = (await admin(`mutation { createOrg(name: "other") { key } }`)).data.createOrg.key;
});
afterAll(() => f.stop());

const scrape = async (): Promise<Sample[]> => parseExposition(await (await f.lectr.request("/metrics", { headers: bearer(metricsToken) })).text()).samples;
const globalCost = (s: Sample[]) => sampleValue(s, "lectr_cost_usd_total", { provider: "openai", model: "gpt-4o" }) ?? 0;
const orgCost = (s: Sample[], orgId: string) => sampleValue(s, "lectr_org_cost_usd_total", { org_id: orgId }) ?? 0;
const setPrice = (price: number, force: boolean) =>
  admin(`mutation($o: ID!, $p: Float!, $f: Boolean) { setModelPrice(orgId: $o, provider: OPENAI, model: "gpt-4o", inputPerMTok: $p, outputPerMTok: $p, force: $f) { id } }`, {
    o: f.lectr.orgId,
    p: price,
    f: force,
  });
const chat = async (key = f.lectr.key) => {
  const res = await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] }, { "x-lectr-key": key });
  await res.text();
  return { status: res.status, cost: res.headers.get("x-lectr-cost-usd") };
};

test("a price above $1M per 1M tokens is refused even with force, with a clear error", async () => {
  for (const price of [1.7e308, 1_000_001]) {
    const r = await setPrice(price, true);
    expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    expect(r.errors![0]!.message).toBe(`inputPerMTok is $${price} per 1M tokens, more than $1000000, the most any price may be (force does not lift this).`);
  }
  expect((await admin(`query($o: ID) { modelPrices(orgId: $o) { id } }`, { o: f.lectr.orgId })).data.modelPrices).toEqual([]);
});

test("an org's own price moves its own cost figures only; the shared counter counts registry-priced calls", async () => {
  expect((await setPrice(1_000_000, true)).errors).toBeUndefined();
  const before = await scrape();
  const unpriced = (x: Sample[]) => sampleValue(x, "lectr_unpriced_requests_total", { provider: "openai" }) ?? 0;
  const own = await chat();
  const mid = await scrape();
  expect(own.status).toBe(200);
  // 168 tokens at $1 each
  expect(Number(own.cost)).toBe(168);
  expect(globalCost(mid)).toBe(globalCost(before));
  // priced, only not by the registry: not an unpriced call
  expect(unpriced(mid)).toBe(unpriced(before));
  expect(orgCost(mid, f.lectr.orgId) - orgCost(before, f.lectr.orgId)).toBeCloseTo(168, 9);
  // another org, at the registry's price: that one counts
  const other = await chat(otherKey);
  const after = await scrape();
  expect(Number(other.cost)).toBeGreaterThan(0);
  expect(globalCost(after) - globalCost(mid)).toBeCloseTo(Number(other.cost), 12);
});

test("the largest counts an upstream can report, at the largest price: every figure stays finite", async () => {
  f.mocks.openai.setBehavior({ usage: { promptTokens: Number.MAX_SAFE_INTEGER, completionTokens: Number.MAX_SAFE_INTEGER } });
  let r: Awaited<ReturnType<typeof chat>>;
  try {
    r = await chat();
  } finally {
    f.mocks.openai.reset();
  }
  expect(r.status).toBe(200);
  expect(Number.isFinite(Number(r.cost))).toBe(true);
  const [event] = await f.lectr.events();
  expect(Number.isFinite(event!.cost_usd)).toBe(true);
  expect((await scrape()).filter((x) => !Number.isFinite(x.value))).toEqual([]);
});

test("a price row stored before the bound (1.7e308) prices a call as unknown, not Infinity", () => {
  const row = { ...builtinPrices.lookup("openai", "gpt-4o", Date.now())!, inputPerMTok: 1.7e308, outputPerMTok: 1.7e308 };
  expect(computeCost({ inputTokens: 1000, outputTokens: 1000, cachedInputTokens: null, cacheWriteTokens: null, reasoningTokens: null }, row)).toEqual({ costUsd: null, priceKnown: false });
});
