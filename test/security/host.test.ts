/**
 * Host never steers Lectr: the upstream URL is the configured base plus the
 * request's own path, a Host that is not a host gets 400, a short Host
 * routes like any other, and no answer is ever the runtime's development
 * page with source lines and file paths.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createFrontDoor } from "../../src/http/front-door.ts";
import { serve } from "../../src/runtime/serve.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { startMockUpstream, type MockUpstream } from "../helpers/mock-upstream.ts";
import { rawRequest, type RawAnswer } from "./raw-http.ts";

let good: MockUpstream;
let evil: MockUpstream;
let t: TestLectr;
let port: number;
beforeAll(async () => {
  good = await startMockUpstream("openai");
  evil = await startMockUpstream("openai");
  // a base URL without a path: the case where a mangled path could turn into another authority
  t = await startLectr({ baseUrls: { openai: good.origin } });
  port = Number(new URL(t.url).port);
});
afterAll(async () => {
  await t.stop();
  await good.stop();
  await evil.stop();
});

const evilPort = () => new URL(evil.origin).port;
const chat = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
const post = (path: string, host: string, body = chat) =>
  rawRequest(
    port,
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\nauthorization: Bearer sk-test-openai\r\n` +
      `x-lectr-key: ${t.key}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
const get = (path: string, host: string) => rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`);

/** Production answers only: JSON, nothing that looks like a page, a stack or a file path. */
function expectNoDevelopmentPage(a: RawAnswer) {
  expect(a.headers["content-type"] ?? "").toContain("json");
  expect(a.body).not.toMatch(/<html|<!doctype|<script|\.ts:\d|\/src\/|node_modules|Bun v\d/i);
}

describe("a Host with '/' or '@' cannot change where the request goes", () => {
  test.each(["x/y", `x/y@127.0.0.1:1`, "a@b", "a?b", "a#b", "a b", ""])("Host %p: 400 invalid_host, nothing sent upstream", async (host) => {
    const path = `/v1/xx@127.0.0.1:${evilPort()}/v1/chat/completions`;
    const a = await post(path, host);
    expect([a.status, JSON.parse(a.body)]).toEqual([
      400,
      { error: { message: "Invalid Host header.", type: "invalid_request_error", code: "invalid_host", param: null } },
    ]);
    expect([evil.requests.length, good.requests.length]).toEqual([0, 0]);
  });
  test("a valid Host with the same path goes to the configured base, with the path as written", async () => {
    const a = await post(`/v1/xx@127.0.0.1:${evilPort()}/v1/chat/completions`, "localhost:8787");
    expect(evil.requests.length).toBe(0);
    expect(good.requests.map((r) => r.path)).toEqual([`/xx@127.0.0.1:${evilPort()}/v1/chat/completions`]);
    expect(a.status).toBe(404);
    good.reset();
  });
});

describe("routes do not depend on Host", () => {
  test.each(["a", "ab", "abc", "[::1]", "a:1", "lectr.example.com:443"])("Host %p: health, the proxy and GraphQL answer as usual", async (host) => {
    const before = (await t.events()).length;
    const health = await get("/healthz", host);
    const proxied = await post("/v1/v1/chat/completions", host);
    const graphql = await post("/graphql", host, JSON.stringify({ query: "{ __typename }" }));
    const unknown = await get("/nope", host);
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: "ok" }]);
    expect([proxied.status, JSON.parse(proxied.body).object]).toEqual([200, "chat.completion"]);
    expect([graphql.status, JSON.parse(graphql.body)]).toEqual([200, { data: { __typename: "Query" } }]);
    expect([unknown.status, JSON.parse(unknown.body).error.code]).toEqual([404, "not_found"]);
    expect(good.requests.at(-1)!.path).toBe("/v1/chat/completions");
    expect((await t.events()).length).toBe(before + 1);
  });
});

test("no Host at all (an HTTP/1.0 health check): routed by the path; an HTTP/1.0 request with a bad Host is still refused", async () => {
  const bare = await rawRequest(port, "GET /healthz HTTP/1.0\r\n\r\n");
  const bad = await rawRequest(port, "GET /healthz HTTP/1.0\r\nHost: a/b\r\n\r\n");
  expect([bare.status, JSON.parse(bare.body), bad.status]).toEqual([200, { status: "ok" }, 400]);
});

describe("production error pages only", () => {
  test.each([
    ["GET", "/nope"],
    ["GET", "/graphql"],
    ["POST", "/graphql"],
    ["GET", "/v1/models"],
  ])("%s %s with a bad Host answers JSON, no development page", async (method, path) => {
    const a = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: a/b\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    expect(a.status).toBe(400);
    expectNoDevelopmentPage(a);
  });
  test("a handler that throws past every catch gets a masked 500, not the runtime's page", async () => {
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      door: createFrontDoor({ maxPerAddress: 0 }),
      idleTimeoutMs: 10_000,
      fetch: (request) => {
        if (request.url.endsWith("/sync")) throw new Error("boom in /srv/lectr/src/secret.ts");
        return Promise.reject(new Error("boom in /srv/lectr/src/secret.ts"));
      },
    });
    try {
      for (const path of ["/sync", "/async"]) {
        const a = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nconnection: close\r\n\r\n`);
        expect([a.status, JSON.parse(a.body)]).toEqual([
          500,
          { error: { message: "Internal error in Lectr.", type: "api_error", code: "internal_error", param: null } },
        ]);
        expect(a.body).not.toContain("secret");
      }
    } finally {
      await server.stop(true);
    }
  });
});
