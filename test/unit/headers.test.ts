import { describe, expect, test } from "bun:test";
import { clientHeaders, upstreamHeaders } from "../../src/proxy/headers.ts";
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
