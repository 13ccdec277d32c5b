/**
 * With a remote database (sqld) the client only waits on a socket: GraphQL
 * reads need no read threads, a read the server does not answer holds up no
 * /v1 request, and it ends with READ_TIMEOUT at LECTR_READ_TIMEOUT_MS.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startSqld, type Sqld } from "../helpers/sqld.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { gqlClient, orgKey } from "./client.ts";

let sqld: Sqld;
let mock: MockUpstream;
let l: TestLectr;

beforeAll(async () => {
  [sqld, mock] = await Promise.all([startSqld(), startMockUpstream("openai")]);
  l = await startLectr({
    // the read's limit stays well above what a /v1 answer takes on a busy machine: the order is what is tested
    env: { LECTR_DB_URL: sqld.url, LECTR_DB_AUTH_TOKEN: sqld.token, LECTR_READ_TIMEOUT_MS: "4000", LECTR_ALLOW_PRIVATE_UPSTREAMS: "true" },
    baseUrls: { openai: mock.baseUrl },
    config: { keyCacheTtlMs: 600_000 },
  });
});
afterAll(async () => {
  sqld.resume();
  await l.stop();
  await Promise.all([sqld.stop(), mock.stop()]);
});

const chat = () =>
  l.request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk-test-openai" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });

test("reads run without read threads; one the server does not answer ends with READ_TIMEOUT and holds up no /v1 request", async () => {
  const org = gqlClient(l, orgKey(l.key));
  expect((await chat()).status).toBe(200);
  const before = await org(`{ usageGroups(period: { preset: LAST_HOUR }) { total { requests } } }`);
  expect([before.errors, l.lectr.database.reads.stats().threads]).toEqual([undefined, 0]);

  sqld.pause();
  let readDone = false;
  const read = org(`{ usageGroups(period: { preset: LAST_HOUR }) { total { requests } } }`).then((r) => {
    readDone = true;
    return r;
  });
  const answer = await chat();
  expect([answer.status, readDone]).toEqual([200, false]);
  const r = await read;
  expect(r.codes).toEqual(["READ_TIMEOUT"]);
  sqld.resume();
});
