/**
 * usageGroups and the event filters the dashboard drills down with, against
 * events recorded by real proxied requests, summed here from the stored rows.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

type Stored = Awaited<ReturnType<Fixture["lectr"]["events"]>>[number];

let f: Fixture;
let gql: Gql;
let events: Stored[];

const chat = (model: string) => ({ model, messages: [{ role: "user", content: "Hi" }] });
const isError = (e: Stored) => e.status >= 500 || e.status === 429 || e.error_code === "upstream_timeout" || e.error_code === "upstream_unreachable";
const sum = (xs: Stored[], k: (e: Stored) => number | null) => xs.reduce((n, e) => n + (k(e) ?? 0), 0);
const totals = (xs: Stored[]) => ({
  requests: xs.length,
  errors: xs.filter(isError).length,
  unpricedRequests: xs.filter((e) => !e.price_known).length,
  costUsd: expect.closeTo(sum(xs, (e) => e.cost_usd), 12),
  inputTokens: sum(xs, (e) => e.input_tokens),
  cachedInputTokens: sum(xs, (e) => e.cached_input_tokens),
  outputTokens: sum(xs, (e) => e.output_tokens),
  reasoningTokens: sum(xs, (e) => e.reasoning_tokens),
});
const fields = "keys labels requests errors unpricedRequests costUsd inputTokens cachedInputTokens outputTokens reasoningTokens";
const pick = ({ keys: _k, labels: _l, ...rest }: Record<string, unknown>) => rest;

beforeAll(async () => {
  f = await startFixture();
  gql = gqlClient(f.lectr, orgKey(f.lectr.key));
  const send = async (body: object, headers: Record<string, string> = {}) => void (await (await f.post("/v1/chat/completions", body, headers)).text());
  await send(chat("gpt-4o"), { "x-lectr-feature": "support-bot", "x-lectr-task": "chat" });
  await send(chat("gpt-4o"), { "x-lectr-feature": "support-bot" });
  await send(chat("gpt-4o-mini"), { "x-lectr-task": "classification" });
  await send(chat("claude-3-5-sonnet-20241022"), { authorization: `Bearer ${providerKeys.anthropic}`, "x-lectr-feature": "search" });
  await send(chat("llama-3.3-70b-versatile"), { authorization: `Bearer ${providerKeys.groq}` });
  f.mocks.openai.setBehavior({ status: 500 });
  await send(chat("gpt-4o"), { "x-lectr-feature": "search" });
  f.mocks.openai.reset();
  await send(chat("my-own-model"), {});
  events = await f.lectr.events();
  expect(events.length).toBe(7);
}, 30_000);

afterAll(() => f?.stop());

describe("usageGroups", () => {
  test("with no dimension: the total only, with every token kind and the errors", async () => {
    const r = await gql(`{ usageGroups(period: { preset: LAST_HOUR }) { groups { requests } other { requests } total { ${fields} errorRate } } }`);
    expect(r.errors).toBeUndefined();
    const { groups, other, total } = r.data.usageGroups;
    expect({ groups, other }).toEqual({ groups: [], other: null });
    expect(pick(total)).toEqual({ ...totals(events), errorRate: 1 / 7 });
    expect(total.keys).toEqual([]);
  });

  test("by provider and feature: each group equals its stored events, costliest first; the tail past limit is folded into other", async () => {
    const r = await gql(`{ usageGroups(period: { preset: LAST_HOUR }, by: [PROVIDER, FEATURE], limit: 2) { groups { ${fields} } other { ${fields} } total { requests } } }`);
    expect(r.errors).toBeUndefined();
    const byKey = new Map<string, Stored[]>();
    for (const e of events) {
      const k = `${e.provider.toUpperCase()}|${e.feature}`;
      byKey.set(k, [...(byKey.get(k) ?? []), e]);
    }
    const all = [...byKey.entries()]
      .map(([k, xs]) => ({ k, xs, cost: sum(xs, (e) => e.cost_usd) }))
      .sort((a, b) => b.cost - a.cost || b.xs.length - a.xs.length);
    const { groups, other } = r.data.usageGroups;
    expect(groups.map((g: { keys: string[] }) => g.keys.join("|"))).toEqual(all.slice(0, 2).map((g) => g.k.replace("|null", "|")));
    for (const [i, g] of groups.entries()) expect(pick(g)).toEqual(totals(all[i]!.xs));
    expect(pick(other)).toEqual(totals(all.slice(2).flatMap((g) => g.xs)));
    expect(other.keys).toEqual([null, null]);
  });

  test("by key: the key's id, labelled by its prefix", async () => {
    const r = await gql(`{ org { keys { id prefix } } usageGroups(period: { preset: LAST_HOUR }, by: [KEY, STATUS]) { groups { keys labels requests } } }`);
    expect(r.errors).toBeUndefined();
    const [key] = r.data.org.keys;
    expect(r.data.usageGroups.groups).toEqual([
      { keys: [key.id, "200"], labels: [key.prefix, "200"], requests: 6 },
      { keys: [key.id, "500"], labels: [key.prefix, "500"], requests: 1 },
    ]);
  });

  test("more than two dimensions, a repeated one or a limit out of range: BAD_USER_INPUT", async () => {
    for (const args of ["by: [MODEL, TASK, KEY]", "by: [MODEL, MODEL]", "by: [MODEL], limit: 0", "by: [MODEL], limit: 201"]) {
      const r = await gql(`{ usageGroups(period: { preset: LAST_HOUR }, ${args}) { total { requests } } }`);
      expect(r.codes).toEqual(["BAD_USER_INPUT"]);
    }
  });
});

describe("event filters the dashboard drills down with", () => {
  test("id, keyId and from/to select exactly the matching events", async () => {
    const newest = events[0]!;
    const byId = await gql(`query($id: ID!) { events(filter: { id: $id }) { edges { node { id keyId model upstreamRequestId routingRuleId } } } }`, { id: newest.id });
    expect(byId.data.events.edges).toEqual([{ node: { id: newest.id, keyId: newest.key_id, model: newest.model, upstreamRequestId: newest.upstream_request_id, routingRuleId: null } }]);
    const byKey = await gql(`query($k: ID!) { events(filter: { keyId: $k }) { edges { node { id } } } }`, { k: newest.key_id });
    expect(byKey.data.events.edges.length).toBe(7);
    const other = await gql(`{ events(filter: { keyId: "0190" }) { edges { node { id } } } }`);
    expect(other.data.events.edges).toEqual([]);
    const third = events[2]!;
    const window = await gql(`query($from: DateTime!, $to: DateTime!) { events(filter: { from: $from, to: $to }) { edges { node { id } } } }`, {
      from: third.created_at,
      to: newest.created_at,
    });
    expect(window.data.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(events.filter((e) => e.created_at >= third.created_at && e.created_at < newest.created_at).map((e) => e.id));
  });

  test("org: the key's own org and its keys; another org's id is FORBIDDEN", async () => {
    const r = await gql(`{ org { id name keys { id revokedAt } } }`);
    expect(r.data.org).toEqual({ id: f.lectr.orgId, name: "acme", keys: [{ id: events[0]!.key_id, revokedAt: null }] });
    expect((await gql(`{ org(orgId: "someone-else") { id } }`)).codes).toEqual(["FORBIDDEN"]);
  });
});
