import { describe, expect, test } from "bun:test";
import { createFrontDoor, routableUrl } from "../../src/http/front-door.ts";

describe("routableUrl", () => {
  test.each([
    ["http://localhost:8787/v1/chat/completions", undefined],
    ["http://abcd/healthz", undefined],
    ["https://abc/healthz", undefined],
    // the router reads the path from offset 11: shorter hosts get a neutral origin, path and query kept
    ["http://a/healthz", "http://lectr.local/healthz"],
    ["http://abc/v1/x/v1/models?q=1", "http://lectr.local/v1/x/v1/models?q=1"],
    ["http://[::1]/v1/models", undefined],
    ["http://a:1/v1/models", "http://lectr.local/v1/models"],
    // what the runtime hands over when Host is not a host: never routed
    ["/v1/xx@127.0.0.1:1/v1/chat/completions", null],
    ["/healthz", null],
    ["", null],
    ["ftp://host/x", null],
    ["http://host", null],
  ])("%p → %p", (url, expected) => {
    expect(routableUrl(url, "a/b")).toBe(expected as never);
  });
  test("no Host at all (HTTP/1.0): routed by the path; an empty or invalid one: refused", () => {
    expect([routableUrl("/healthz", null), routableUrl("/healthz", ""), routableUrl("/healthz", "x@y")]).toEqual(["http://lectr.local/healthz", null, null]);
  });
});

describe("createFrontDoor", () => {
  const verdicts = (door: ReturnType<typeof createFrontDoor>, url: string, peers: string[]) =>
    peers.map((p) => {
      // what the runtime hands over: a relative URL comes with the bad Host that caused it
      const a = door.enter({ url, headers: new Headers({ host: url.startsWith("/") ? "a/b" : "localhost" }) } as Request, p);
      return a.ok ? (a.long ? "long" : "ok") : a.response.status;
    });

  test("at most maxPerAddress in progress per address, others unaffected; leaving frees a place", () => {
    const door = createFrontDoor({ maxPerAddress: 2 });
    expect(verdicts(door, "http://localhost/v1/chat/completions", ["a", "a", "a", "b", "b", "b"])).toEqual(["long", "long", 429, "long", "long", 429]);
    door.leave("a");
    expect(verdicts(door, "http://localhost/healthz", ["a", "a"])).toEqual(["ok", 429]);
  });
  test("0 turns the cap off; a bad Host is refused either way, and never counted", () => {
    const door = createFrontDoor({ maxPerAddress: 0 });
    expect(verdicts(door, "http://localhost/graphql", Array(5000).fill("a")).every((v) => v === "long")).toBe(true);
    const capped = createFrontDoor({ maxPerAddress: 1 });
    expect(verdicts(capped, "/v1/models", ["a", "a"])).toEqual([400, 400]);
    expect(verdicts(capped, "http://localhost/v1/models", ["a"])).toEqual(["long"]);
  });
});
