/** Depth, cost and batching limits on GraphQL operations, fragment fan-out, the answer's size bound; introspection still works. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, parse } from "graphql";
import { measureOperation, rootFieldCost } from "../../src/graphql/limits.ts";
import { graphqlHandler } from "../../src/graphql/plugin.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { gqlClient, graphqlDeps, orgKey, type Gql } from "./client.ts";

let l: TestLectr;
let gql: Gql;
beforeAll(async () => {
  l = await startLectr();
  gql = gqlClient(l, orgKey(l.key));
});
afterAll(() => l.stop());

test("a normal dashboard query and introspection pass", async () => {
  const r = await gql(`{ costBreakdown(period: { preset: LAST_7_DAYS }) { totalCostUsd providers { provider costUsd } } providerHealth { provider requests } }`);
  expect(r.errors).toBeUndefined();
  const intro = await gql(`{ __schema { queryType { name } types { name fields { name type { name kind ofType { name kind ofType { name kind } } } } } } }`);
  expect(intro.errors).toBeUndefined();
  expect(intro.data.__schema.queryType.name).toBe("Query");
});

test("the same aggregate under 40 aliases is refused before it runs", async () => {
  const fields = Array.from({ length: 40 }, (_, i) => `a${i}: costBreakdown(period: { preset: LAST_90_DAYS }) { totalCostUsd }`).join(" ");
  const r = await gql(`{ ${fields} }`);
  expect(r.codes).toEqual(["QUERY_TOO_COMPLEX"]);
  expect(r.data).toBeUndefined();
});

test("deep nesting through fragments is refused", async () => {
  // __type → ofType chains can nest as deep as a client likes
  let inner = "name";
  for (let i = 0; i < 12; i++) inner = `name ofType { ${inner} }`;
  const r = await gql(`query { __type(name: "Query") { ...F } } fragment F on __Type { fields { type { ${inner} } } }`);
  expect(r.codes).toEqual(["QUERY_TOO_COMPLEX"]);
  expect(r.errors![0]!.message).toContain("levels deep");
});

test("batches are capped at 10 operations", async () => {
  const post = (n: number) =>
    l.request(`/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...orgKey(l.key) },
      body: JSON.stringify(Array.from({ length: n }, () => ({ query: "{ providerHealth { provider } }" }))),
    });
  const ok = await post(10);
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as unknown[]).length).toBe(10);
  const tooMany = await post(11);
  expect(tooMany.status).toBeGreaterThanOrEqual(400);
});

/** Each fragment spreads the next one twice: `levels` levels expand to 2^levels copies of the innermost selection. */
function fanOut(levels: number, leaf = "__typename"): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query { ...F0 } ${fragments.join(" ")} fragment F${levels} on Query { ${leaf} }`;
}

describe("fragment fan-out", () => {
  test("without credentials it is refused 401 before it is parsed, over POST and GET", async () => {
    const query = fanOut(22);
    const post = await gqlClient(l)(query);
    expect([post.status, post.codes]).toEqual([401, ["UNAUTHENTICATED"]]);
    const get = await l.request(`/graphql?query=${encodeURIComponent(query)}`);
    expect([get.status, ((await get.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([401, "UNAUTHENTICATED"]);
  });

  test("with a key, 60 levels (2^60 expansions) are measured in linear time and refused", async () => {
    const r = await gql(fanOut(60));
    expect([r.status, r.codes]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(r.errors![0]!.message).toContain("more than 10^15");
  });

  test("the cost walk measures each fragment once: 60 levels ask the leaf's cost once", () => {
    let asked = 0;
    const Query = new GraphQLObjectType({
      name: "Query",
      fields: { leaf: { type: GraphQLInt, extensions: { complexity: () => (asked++, 3) } } },
    });
    const measured = measureOperation(new GraphQLSchema({ query: Query }), parse(fanOut(60, "leaf")), undefined, {}, {});
    expect({ asked, cost: measured.cost, depth: measured.depth }).toEqual({ asked: 1, cost: (rootFieldCost + 3) * 2 ** 60, depth: 1 });
  });

  test("a fragment that spreads itself is refused, not followed", async () => {
    const r = await gql(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`);
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
  });
});

describe("cost follows the number of points", () => {
  const eventFields = "id createdAt provider model status errorCode latencyMs costUsd inputTokens outputTokens feature task";
  test("events cost by first: three pages of 500 are refused, three pages of 20 pass", async () => {
    const page = (alias: string, first: number) => `${alias}: events(first: ${first}) { edges { node { ${eventFields} } } }`;
    const pages = (first: number) => `{ ${page("a", first)} ${page("b", first)} ${page("c", first)} }`;
    const big = await gql(pages(500));
    expect([big.status, big.codes]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    const small = await gql(pages(20));
    expect([small.status, small.errors]).toEqual([200, undefined]);
  });

  test("usageSeries costs by bucket: 399 days of hours are refused, 399 days of days pass", async () => {
    const to = Date.UTC(2026, 0, 1);
    const series = (bucket: string) =>
      `query($from: DateTime!, $to: DateTime!) { usageSeries(period: { from: $from, to: $to }, bucket: ${bucket}) { start requests costUsd inputTokens outputTokens errors } }`;
    const vars = { from: new Date(to - 399 * 86_400_000).toISOString(), to: new Date(to).toISOString() };
    const hours = await gql(series("HOUR"), vars);
    expect([hours.status, hours.codes]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    const days = await gql(series("DAY"), vars);
    expect([days.status, days.errors, days.data.usageSeries.length]).toEqual([200, undefined, 399]);
  });

  test("the limit applies to a whole batch: 10 operations that each pass alone are refused together", async () => {
    const op = { query: `{ usageSeries(period: { preset: LAST_30_DAYS }, bucket: HOUR) { start requests costUsd inputTokens outputTokens errors } }` };
    const post = (n: number) =>
      l.request(`/graphql`, { method: "POST", headers: { "content-type": "application/json", ...orgKey(l.key) }, body: JSON.stringify(Array.from({ length: n }, () => op)) });
    const alone = await gql(op.query);
    expect([alone.status, alone.errors]).toEqual([200, undefined]);
    const two = (await (await post(2)).json()) as { errors?: unknown }[];
    expect(two.map((r) => r.errors)).toEqual([undefined, undefined]);
    const ten = await post(10);
    const body = (await ten.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect([ten.status, body.errors.map((e) => e.extensions.code)]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(body.errors[0]!.message).toContain("These 10 operations cost");
  });
});

test("an answer over the size bound is replaced by one RESPONSE_TOO_LARGE error", async () => {
  const handle = graphqlHandler({ ...graphqlDeps(l), maxResponseBytes: 2_000 });
  const ask = async (query: string) => {
    const res = await handle(new Request("http://lectr.test/graphql", { method: "POST", headers: { "content-type": "application/json", ...orgKey(l.key) }, body: JSON.stringify({ query }) }));
    return { status: res.status, body: (await res.json()) as { data: unknown; errors?: { message: string; extensions: { code: string } }[] } };
  };
  const small = await ask(`{ usageSeries(period: { preset: LAST_24_HOURS }, bucket: DAY) { requests } }`);
  expect([small.status, small.body.errors]).toEqual([200, undefined]);
  const large = await ask(`{ usageSeries(period: { preset: LAST_30_DAYS }, bucket: HOUR) { start requests costUsd } }`);
  expect(large.status).toBe(200);
  expect(large.body.data).toBeNull();
  expect(large.body.errors!.map((e) => e.extensions.code)).toEqual(["RESPONSE_TOO_LARGE"]);
  expect(large.body.errors![0]!.message).toMatch(/^The answer is \d+ bytes; the limit is 2000\./);
});
