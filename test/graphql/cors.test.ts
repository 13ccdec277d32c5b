/** CORS on /graphql: off unless LECTR_CORS_ORIGINS lists origins, then only those, compared exactly, never reflected. */
import { expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";

type Server = Pick<TestLectr, "request">;
const preflight = (l: Server, origin: string) =>
  l.request("/graphql", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-lectr-key" } });
const post = (l: Server, origin: string, key: string) =>
  l.request("/graphql", { method: "POST", headers: { origin, "content-type": "application/json", "x-lectr-key": key }, body: JSON.stringify({ query: "{ __typename }" }) });

test("by default no origin gets CORS headers, on a preflight or on the answer", async () => {
  await using l = await startLectr();
  const pre = await preflight(l, "https://evil.example");
  expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  const res = await post(l, "https://evil.example", l.key);
  expect([res.status, res.headers.get("access-control-allow-origin"), res.headers.get("access-control-allow-credentials")]).toEqual([200, null, null]);
});

test("listed origins are allowed exactly; any other origin, however close, gets nothing", async () => {
  await using l = await startLectr({ env: { LECTR_CORS_ORIGINS: "https://dash.example.com, http://localhost:3000" } });
  for (const origin of ["https://dash.example.com", "http://localhost:3000"]) {
    const pre = await preflight(l, origin);
    expect([pre.headers.get("access-control-allow-origin"), pre.headers.get("access-control-allow-credentials")]).toEqual([origin, null]);
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-lectr-key");
    expect((await post(l, origin, l.key)).headers.get("access-control-allow-origin")).toBe(origin);
  }
  for (const origin of ["https://evil.example", "https://dash.example.com.evil.example", "http://dash.example.com", "null"]) {
    expect((await preflight(l, origin)).headers.get("access-control-allow-origin")).toBeNull();
    expect((await post(l, origin, l.key)).headers.get("access-control-allow-origin")).toBeNull();
  }
});

test("LECTR_CORS_ORIGINS takes exact origins only", () => {
  for (const bad of ["*", "https://dash.example.com/", "https://dash.example.com/app", "dash.example.com", "https://*.example.com"]) {
    expect(() => loadConfig({ LECTR_CORS_ORIGINS: bad })).toThrow(ConfigError);
  }
  expect(loadConfig({ LECTR_CORS_ORIGINS: " https://a.example ,https://b.example:8443" }).corsOrigins).toEqual(["https://a.example", "https://b.example:8443"]);
});
