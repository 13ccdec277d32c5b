/**
 * GraphQL reads run on the read connection's own threads: a dashboard key's
 * heavy query does not hold up /v1, a key may run only so many heavy queries
 * at once, and a query's cost counts the events it will scan.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createKey, createOrg } from "../../src/db/orgs.ts";
import { bulkEvents } from "../helpers/bulk-events.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { gqlClient, orgKey } from "./client.ts";

const day = 86_400_000;
const events = 300_000;
const heavyQuery = `{ usageGroups(period: { preset: LAST_30_DAYS }, by: [MODEL, FEATURE]) { total { requests } groups { keys requests } } }`;
/** The batch a dashboard key can send: ten of them over the last 30 days. */
const batch = Array.from({ length: 10 }, () => ({ query: heavyQuery }));

let f: Fixture;
let readKey: string;

beforeAll(async () => {
  f = await startFixture({ env: { LECTR_HEAVY_QUERIES_PER_KEY: "1" } });
  const l = f.lectr;
  const keyId = (await l.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [l.orgId] })).rows[0]!.id as string;
  const now = Date.now();
  await bulkEvents(l.lectr.database.client, { orgId: l.orgId, keyId, count: events, from: now - 29 * day, to: now - 60_000 });
  readKey = (await createKey(l.lectr.database.db, l.orgId, { scope: "read" })).key;
});
afterAll(() => f.stop());

const chat = () => f.post("/v1/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });

test("a heavy GraphQL read does not hold up a /v1 request sent while it runs", async () => {
  let heavyDone = false;
  const heavy = gqlClient(f.lectr, orgKey(readKey))(heavyQuery).then((r) => {
    heavyDone = true;
    return r;
  });
  await waitFor(() => f.lectr.lectr.database.reads.stats().busy > 0, { message: "the heavy query never reached a read thread" });
  const answer = await chat();
  expect([answer.status, heavyDone]).toEqual([200, false]);
  const r = await heavy;
  expect([r.errors, r.data.usageGroups.total.requests]).toEqual([undefined, events]);
});

test("a key past its cap of concurrent heavy queries gets TOO_MANY_HEAVY_QUERIES; other keys and light queries still run", async () => {
  const reader = gqlClient(f.lectr, orgKey(readKey));
  const first = reader(heavyQuery);
  await waitFor(() => f.lectr.lectr.database.reads.stats().busy > 0);
  const [second, light, otherKey] = await Promise.all([
    reader(heavyQuery),
    reader(`{ settings { azure { endpoint } } }`),
    gqlClient(f.lectr, orgKey(f.lectr.key))(heavyQuery),
  ]);
  expect([second.status, second.codes]).toEqual([429, ["TOO_MANY_HEAVY_QUERIES"]]);
  expect(second.errors![0]!.message).toContain("LECTR_HEAVY_QUERIES_PER_KEY");
  expect([light.errors, otherKey.errors]).toEqual([undefined, undefined]);
  expect((await first).errors).toBeUndefined();
  // its place is given back when the answer is done
  expect((await reader(heavyQuery)).errors).toBeUndefined();
});

test("a query's cost counts the events it will scan: the ten-query batch is refused for a heavy org, accepted for a light one", async () => {
  const post = (key: string) =>
    f.lectr.request("/graphql", { method: "POST", headers: { "content-type": "application/json", ...orgKey(key) }, body: JSON.stringify(batch) });
  const refused = await post(readKey);
  const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect([refused.status, body.errors[0]!.extensions.code]).toEqual([400, "QUERY_TOO_COMPLEX"]);
  expect(body.errors[0]!.message).toMatch(/about \d+ here/);

  const light = await createOrg(f.lectr.lectr.database.db, "light");
  const accepted = await post(light.key);
  const answers = (await accepted.json()) as { errors?: unknown; data: { usageGroups: { total: { requests: number } } } }[];
  expect([accepted.status, answers.map((a) => [a.errors, a.data.usageGroups.total.requests])]).toEqual([200, batch.map(() => [undefined, 0])]);
});
