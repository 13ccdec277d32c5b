/**
 * A read not done within LECTR_READ_TIMEOUT_MS fails with READ_TIMEOUT, the
 * next reads still run once the abandoned statement ends, and timed-out
 * reads leave no thread behind.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { bulkEvents } from "../helpers/bulk-events.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

const day = 86_400_000;
const limitMs = 200;
const heavyQuery = `{ usageGroups(period: { preset: LAST_30_DAYS }, by: [MODEL, FEATURE]) { total { requests } } }`;

let l: TestLectr;
let org: Gql;

/** Threads of this process (Linux). */

const threads = () => readdirSync("/proc/self/task").length;

beforeAll(async () => {
  l = await startLectr({ env: { LECTR_READ_TIMEOUT_MS: String(limitMs) }, config: { keyCacheTtlMs: 600_000 } });
  const keyId = (await l.lectr.database.client.execute({ sql: "SELECT id FROM api_keys WHERE org_id = ?", args: [l.orgId] })).rows[0]!.id as string;
  const now = Date.now();
  await bulkEvents(l.lectr.database.client, { orgId: l.orgId, keyId, count: 200_000, from: now - 29 * day, to: now - 60_000 });
  org = gqlClient(l, orgKey(l.key));
  // a thread's start counts against the limit: the first reads may fail until the thread is up (and the org's volume is known)
  const warm = `{ usageGroups(period: { preset: LAST_HOUR }, by: [MODEL]) { total { requests } } }`;
  await waitFor(async () => (await org(warm)).errors === undefined && l.lectr.database.reads.stats().threads === 1);
});
afterAll(() => l.stop());

test("a read past the limit fails with READ_TIMEOUT and a clear message; later reads still run", async () => {
  const r = await org(heavyQuery);
  expect([r.status, r.data, r.codes]).toEqual([200, null, ["READ_TIMEOUT"]]);
  expect(r.errors![0]!.message).toContain(`did not finish within ${limitMs} ms (LECTR_READ_TIMEOUT_MS)`);
  expect(l.lectr.database.reads.stats().timedOut).toBeGreaterThanOrEqual(1);
  await waitFor(() => l.lectr.database.reads.stats().busy === 0);
  const light = await org(`{ settings { azure { endpoint } } }`);
  expect([light.errors, light.data]).toEqual([undefined, { settings: { azure: null } }]);
});

// LECTR_READ_THREADS defaults to 1
test("timed-out reads leave no thread behind", async () => {
  const before = threads();
  const timedOut = l.lectr.database.reads.stats().timedOut;
  for (let i = 0; i < 5; i++) expect((await org(heavyQuery)).codes).toEqual(["READ_TIMEOUT"]);
  expect(l.lectr.database.reads.stats().timedOut).toBeGreaterThanOrEqual(timedOut + 5);
  // the abandoned statements end on the same threads, which take the next reads: none is started or left behind
  await waitFor(() => l.lectr.database.reads.stats().busy === 0);
  expect((await org(`{ settings { azure { endpoint } } }`)).errors).toBeUndefined();
  expect(threads()).toBeLessThanOrEqual(before);
  expect(l.lectr.database.reads.stats().threads).toBeLessThanOrEqual(1);
});
