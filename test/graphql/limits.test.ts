/** Depth, cost and batching limits on GraphQL operations; introspection still works. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

let l: TestLectr;
let gql: Gql;
beforeAll(async () => {
  l = await startLectr();
  gql = gqlClient(l.url, orgKey(l.key));
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
    fetch(`${l.url}/graphql`, {
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
