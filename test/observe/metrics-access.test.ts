/**
 * Who sees what on /metrics: per-budget and per-rate-limit gauges only behind
 * LECTR_METRICS_TOKEN (open /metrics is aggregate only), and failed tokens
 * limited per address like failed org keys, IPv6 counted by /64.
 */
import { describe, expect, test } from "bun:test";
import { addressGroup, createFailureLimiter } from "../../src/auth/failure-limiter.ts";
import { startLectr } from "../helpers/lectr.ts";
import { gqlClient, orgKey } from "../graphql/client.ts";

const token = "metrics-token-for-access-tests-0123";

async function withBudgetAndLimit(env: Record<string, string>) {
  const l = await startLectr({ env });
  const gql = gqlClient(l, orgKey(l.key));
  const budget = await gql(`mutation { createBudget(input: { name: "b", period: DAY, amountUsd: 1, action: ALERT }) { id } }`);
  const limit = await gql(`mutation { createRateLimit(input: { name: "r", requestsPerMinute: 10 }) { id } }`);
  expect([budget.errors, limit.errors]).toEqual([undefined, undefined]);
  return { l, budgetId: String(budget.data.createBudget.id), limitId: String(limit.data.createRateLimit.id) };
}

describe("per-budget and per-limit gauges", () => {
  test("open /metrics (no token configured) carries no budget or limit series", async () => {
    const { l } = await withBudgetAndLimit({});
    await using _ = l;
    const text = await (await l.request("/metrics")).text();
    expect(text).toContain("lectr_requests_total");
    expect(text).not.toContain("lectr_budget_utilisation_ratio");
    expect(text).not.toContain("lectr_rate_limit_utilisation_ratio");
  });

  test("with LECTR_METRICS_TOKEN they are shown to a scraper presenting it", async () => {
    const { l, budgetId, limitId } = await withBudgetAndLimit({ LECTR_METRICS_TOKEN: token });
    await using _ = l;
    const text = await (await l.request("/metrics", { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toContain(`lectr_budget_utilisation_ratio{budget="${budgetId}"} 0\n`);
    expect(text).toContain(`lectr_rate_limit_utilisation_ratio{limit="${limitId}"} 0\n`);
  });
});

describe("failed /metrics tokens", () => {
  test("count against the address: after the limit, 429 even with the right token, and the address's /v1 calls too", async () => {
    await using l = await startLectr({ env: { LECTR_METRICS_TOKEN: token, LECTR_AUTH_FAIL_LIMIT: "5" } });
    const scrape = (t?: string) => fetch(`${l.url}/metrics`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await scrape(`wrong-token-${i}`);
      await r.text();
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const right = await scrape(token);
    await right.text();
    expect([right.status, Number(right.headers.get("retry-after")) > 0]).toEqual([429, true]);
    const chat = await fetch(`${l.url}/v1/chat/completions`, { method: "POST", headers: { "x-lectr-key": l.key, "content-type": "application/json" }, body: "{}" });
    expect(chat.status).toBe(429);
    expect(((await chat.json()) as { error: { code: string } }).error.code).toBe("too_many_auth_failures");
    // and they are counted as auth failures
    const text = await (await l.request("/metrics", { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toMatch(/lectr_auth_failures_total\{reason="bad_metrics_token"\} [1-9]/);
  });
});

describe("the failure limiter groups IPv6 by /64", () => {
  test.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:a:b:c:d%eth0", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["not an address", "not an address"],
  ])("%s → %s", (ip, group) => expect(addressGroup(ip)).toBe(group));

  test("addresses rotated within one /64 share one budget; the next /64 has its own", () => {
    const limiter = createFailureLimiter(3, 60_000);
    for (let i = 1; i <= 3; i++) limiter.fail(`2001:db8:1:2::${i.toString(16)}`, 1_000);
    expect(limiter.blockedFor("2001:db8:1:2:ffff::9", 1_001)).toBe(59_999);
    expect(limiter.blockedFor("2001:db8:1:3::1", 1_001)).toBe(0);
  });
});
