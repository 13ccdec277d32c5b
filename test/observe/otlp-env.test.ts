import { describe, expect, test } from "bun:test";
import { parseKeyValueList, readOtlpEnv, type OtlpEnv } from "../../src/lib/otlp-env.ts";

const none: OtlpEnv = {
  endpoint: "",
  tracesEndpoint: "",
  headers: "",
  tracesHeaders: "",
  timeout: "",
  tracesTimeout: "",
  protocol: "",
  tracesProtocol: "",
  compression: "",
  tracesCompression: "",
  resourceAttributes: "",
  sdkDisabled: "",
  tracesExporter: "",
};

describe("the OTel exporter variables", () => {
  test("key=value lists: trimmed, percent-decoded, empty parts skipped", () => {
    expect(parseKeyValueList(" authorization=Bearer%20abc%3D%3D , x-tenant=acme,,", "H")).toEqual({ authorization: "Bearer abc==", "x-tenant": "acme" });
    expect(parseKeyValueList("", "H")).toEqual({});
  });
  test.each([["novalue"], ["=x"], ["bad key=x"], ["k=%E0%A4%A"]])("a malformed list %p is refused, naming the variable", (raw) => {
    expect(() => parseKeyValueList(raw, "OTEL_EXPORTER_OTLP_HEADERS")).toThrow("OTEL_EXPORTER_OTLP_HEADERS");
  });

  test("off without an endpoint, with the SDK disabled, or with the exporter set to none", () => {
    expect(readOtlpEnv(none)).toBeUndefined();
    expect(readOtlpEnv({ ...none, endpoint: "http://c:4318", sdkDisabled: "true" })).toBeUndefined();
    expect(readOtlpEnv({ ...none, endpoint: "http://c:4318", tracesExporter: "none" })).toBeUndefined();
  });

  test("the base endpoint gets /v1/traces; the traces endpoint is used as given; signal-specific values win", () => {
    expect(readOtlpEnv({ ...none, endpoint: "http://c:4318/", headers: "a=1,b=2", tracesHeaders: "b=3", timeout: "5000" })).toEqual({
      tracesUrl: "http://c:4318/v1/traces",
      headers: { a: "1", b: "3" },
      timeoutMs: 5000,
      compression: "none",
      resourceAttributes: {},
    });
    expect(
      readOtlpEnv({ ...none, endpoint: "http://c:4318", tracesEndpoint: "https://otlp.example/api/traces", tracesTimeout: "200", timeout: "5000", compression: "gzip", resourceAttributes: "deployment.environment=prod" }),
    ).toEqual({ tracesUrl: "https://otlp.example/api/traces", headers: {}, timeoutMs: 200, compression: "gzip", resourceAttributes: { "deployment.environment": "prod" } });
  });

  test.each([
    [{ endpoint: "ftp://c" }, /http\(s\) URL/],
    [{ endpoint: "http://c", protocol: "grpc" }, /OTLP\/HTTP/],
    [{ endpoint: "http://c", compression: "br" }, /gzip or none/],
    [{ endpoint: "http://c", timeout: "soon" }, /OTEL_EXPORTER_OTLP_TIMEOUT/],
    [{ endpoint: "http://c", tracesExporter: "zipkin" }, /OTEL_TRACES_EXPORTER/],
  ])("refuses %p", (env, message) => {
    expect(() => readOtlpEnv({ ...none, ...env })).toThrow(message);
  });

  test("http/protobuf is accepted: OTLP/HTTP receivers take JSON on the same path", () => {
    expect(readOtlpEnv({ ...none, endpoint: "http://c", protocol: "http/protobuf" })?.tracesUrl).toBe("http://c/v1/traces");
  });
});
