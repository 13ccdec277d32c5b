import { describe, expect, test } from "bun:test";
import { clientHeaders, providerQuery, upstreamHeaders } from "../../src/proxy/headers.ts";
import { providers } from "../../src/providers/index.ts";

const incoming = () =>
  new Headers({
    authorization: "Bearer sk-secret",
    "content-type": "application/json",
    "content-length": "123",
    host: "lectr.local",
    connection: "keep-alive, x-custom-hop",
    "x-custom-hop": "1",
    "keep-alive": "timeout=5",
    "transfer-encoding": "chunked",
    "accept-encoding": "gzip",
    cookie: "session=1",
    "x-forwarded-for": "10.0.0.1",
    "x-lectr-key": "lk_abc",
    "x-lectr-provider": "openai",
    "X-Lectr-Feature": "search",
    "openai-organization": "org-1",
    "x-stainless-retry-count": "0",
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  });

describe("upstreamHeaders", () => {
  test("bearer providers: hop-by-hop, connection-listed, Lectr and client-network headers removed; auth kept", () => {
    expect(Object.fromEntries(upstreamHeaders(incoming(), providers.openai))).toEqual({
      authorization: "Bearer sk-secret",
      "content-type": "application/json",
      "openai-organization": "org-1",
      "x-stainless-retry-count": "0",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
  });
  test("azure: the bearer key moves to api-key and Authorization is removed", () => {
    const h = Object.fromEntries(upstreamHeaders(incoming(), providers.azure));
    expect(h["api-key"]).toBe("sk-secret");
    expect(h.authorization).toBeUndefined();
  });
  test("azure: an api-key the client sent itself is kept", () => {
    const h = Object.fromEntries(upstreamHeaders(new Headers({ "api-key": "azure-key" }), providers.azure));
    expect(h).toEqual({ "api-key": "azure-key" });
  });
});

describe("clientHeaders", () => {
  test("drops framing, encoding and cookies; keeps provider headers; adds Lectr's", () => {
    const upstream = new Headers({
      "content-type": "text/event-stream",
      "content-length": "10",
      "content-encoding": "gzip",
      "transfer-encoding": "chunked",
      connection: "keep-alive",
      "set-cookie": "__cf_bm=1",
      "x-request-id": "req_1",
      "retry-after": "7",
      "x-ratelimit-remaining-requests": "99",
    });
    expect(Object.fromEntries(clientHeaders(upstream, { "x-lectr-request-id": "id1", "x-lectr-provider": "openai" }))).toEqual({
      "content-type": "text/event-stream",
      "x-request-id": "req_1",
      "retry-after": "7",
      "x-ratelimit-remaining-requests": "99",
      "x-lectr-request-id": "id1",
      "x-lectr-provider": "openai",
    });
  });
});

describe("credential forms are pinned to the target provider", () => {
  const all = () => new Headers({ authorization: "Bearer b", "x-api-key": "a", "x-goog-api-key": "g", "api-key": "z", accept: "*/*" });
  test.each([
    ["openai", { authorization: "Bearer b", accept: "*/*" }],
    ["groq", { authorization: "Bearer b", accept: "*/*" }],
    ["anthropic", { authorization: "Bearer b", "x-api-key": "a", accept: "*/*" }],
    ["gemini", { authorization: "Bearer b", "x-goog-api-key": "g", accept: "*/*" }],
    // Azure's own api-key wins; the bearer never goes along
    ["azure", { "api-key": "z", accept: "*/*" }],
  ] as const)("%s", (id, expected) => {
    expect(Object.fromEntries(upstreamHeaders(all(), providers[id]))).toEqual(expected);
  });

  test("?key= reaches only Google", () => {
    expect([providerQuery("?alt=sse&key=k", providers.gemini), providerQuery("?alt=sse&key=k", providers.openai)]).toEqual(["?alt=sse&key=k", "?alt=sse"]);
  });
});
