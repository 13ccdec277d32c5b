import { describe, expect, test } from "bun:test";
import { createFailureLimiter } from "../../src/auth/failure-limiter.ts";
import { startLectr } from "../helpers/lectr.ts";
import { parseExposition, sampleValue } from "../helpers/prom-parse.ts";

describe("failure limiter", () => {
  test("blocks an address for a window after `limit` failures within a window; others unaffected", () => {
    const l = createFailureLimiter(3, 60_000);
    l.fail("a", 0);
    l.fail("a", 10);
    expect(l.blockedFor("a", 20)).toBe(0);
    l.fail("a", 30);
    expect(l.blockedFor("a", 40)).toBe(59_990);
    expect(l.blockedFor("b", 40)).toBe(0);
    expect(l.blockedFor("a", 60_030)).toBe(0);
  });
  test("failures spread over more than a window never block", () => {
    const l = createFailureLimiter(3, 1_000);
    for (let t = 0; t < 10_000; t += 600) l.fail("a", t);
    expect(l.blockedFor("a", 10_000)).toBe(0);
  });
  test("a limit of 0 turns it off", () => {
    const l = createFailureLimiter(0, 1_000);
    for (let i = 0; i < 100; i++) l.fail("a", i);
    expect(l.blockedFor("a", 100)).toBe(0);
  });
});

test("through the server: the address that sent too many bad keys gets 429 with retry-after, even with a good key", async () => {
  await using l = await startLectr({ env: { LECTR_AUTH_FAIL_LIMIT: "5", LECTR_AUTH_FAIL_WINDOW_MS: "60000" } });
  const send = (key: string) =>
    fetch(`${l.url}/v1/models`, { headers: { "x-lectr-key": key } }).then(async (r) => ({ status: r.status, retry: r.headers.get("retry-after"), body: await r.json() }));
  for (let i = 0; i < 5; i++) expect((await send(`lk_guess${i}aaaaaaaaaaaaaaaaaaaaaaaa`)).status).toBe(401);
  const blocked = await send(l.key);
  expect(blocked.status).toBe(429);
  expect(Number(blocked.retry)).toBeGreaterThan(50);
  expect(blocked.body).toMatchObject({ error: { type: "rate_limit_error", code: "too_many_auth_failures" } });
});

test("one budget for every door that takes a key: /graphql, /v1/lectr/status and /v1 share it, and each failure is counted", async () => {
  await using l = await startLectr({ env: { LECTR_AUTH_FAIL_LIMIT: "5", LECTR_AUTH_FAIL_WINDOW_MS: "60000" } });
  const failures = async () => sampleValue(parseExposition(await (await fetch(`${l.url}/metrics`)).text()).samples, "lectr_auth_failures_total", { reason: "unknown" }) ?? 0;
  const before = await failures();
  const bad = { "x-lectr-key": "lk_guessaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
  const graphql = (headers: Record<string, string>) =>
    fetch(`${l.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: "{ __typename }" }) });
  const status = (headers: Record<string, string>) => fetch(`${l.url}/v1/lectr/status`, { headers });
  for (let i = 0; i < 3; i++) expect((await graphql(bad)).status).toBe(401);
  for (let i = 0; i < 2; i++) expect((await status(bad)).status).toBe(401);
  expect((await failures()) - before).toBe(5);

  // now every door refuses this address, even with the right key
  const good = { "x-lectr-key": l.key };
  const proxied = await fetch(`${l.url}/v1/models`, { headers: good });
  expect([proxied.status, ((await proxied.json()) as { error: { code: string } }).error.code]).toEqual([429, "too_many_auth_failures"]);
  const g = await graphql(good);
  expect([g.status, Number(g.headers.get("retry-after")) > 50, ((await g.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([
    429,
    true,
    "TOO_MANY_AUTH_FAILURES",
  ]);
  const s = await status(good);
  expect([s.status, ((await s.json()) as { error: { code: string } }).error.code]).toEqual([429, "too_many_auth_failures"]);
});
