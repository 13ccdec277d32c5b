/**
 * The standard OTLP exporter variables, read as the OpenTelemetry spec
 * defines them (https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 * and .../configuration/sdk-environment-variables/). Pure: config.ts hands in
 * the raw values; a malformed one is an error at start, not a silent drop,
 * since a dropped auth header only shows up later as refused exports.
 */
export interface OtlpExport {
  /** Where spans are posted: the traces endpoint as given, or `<endpoint>/v1/traces`. */
  tracesUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: "gzip" | "none";
  /** OTEL_RESOURCE_ATTRIBUTES, besides service.name and service.version. */
  resourceAttributes: Record<string, string>;
}

export interface OtlpEnv {
  endpoint: string;
  tracesEndpoint: string;
  headers: string;
  tracesHeaders: string;
  timeout: string;
  tracesTimeout: string;
  protocol: string;
  tracesProtocol: string;
  compression: string;
  tracesCompression: string;
  resourceAttributes: string;
  sdkDisabled: string;
  tracesExporter: string;
}

/** W3C Baggage-style `key=value,key2=value2`, values percent-decoded (the spec's format for both lists). */
export function parseKeyValueList(raw: string, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq > 0 ? part.slice(0, eq).trim() : "";
    if (key === "" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new Error(`${name} must be a list of key=value pairs separated by commas; "${part.trim().slice(0, 40)}" is not one`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new Error(`${name}: the value of "${key}" is not valid percent-encoding`);
    }
    out[key] = value;
  }
  return out;
}

/** The export settings, or undefined when tracing is off (no endpoint, the SDK disabled, or the traces exporter set to none). */
export function readOtlpEnv(e: OtlpEnv): OtlpExport | undefined {
  if (e.sdkDisabled.toLowerCase() === "true" || e.tracesExporter.toLowerCase() === "none") return undefined;
  if (e.tracesExporter !== "" && e.tracesExporter.toLowerCase() !== "otlp") throw new Error(`OTEL_TRACES_EXPORTER: only "otlp" (or "none") is supported, got ${JSON.stringify(e.tracesExporter)}`);
  const tracesUrl = e.tracesEndpoint || (e.endpoint && `${e.endpoint.replace(/\/+$/, "")}/v1/traces`);
  if (!tracesUrl) return undefined;
  try {
    const u = new URL(tracesUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new Error(`OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL, got ${JSON.stringify(tracesUrl)}`);
  }
  // Lectr posts OTLP/HTTP with JSON bodies; an OTLP/HTTP receiver takes JSON and protobuf on the same path. gRPC is another port and protocol.
  const protocol = (e.tracesProtocol || e.protocol).toLowerCase();
  if (protocol !== "" && protocol !== "http/json" && protocol !== "http/protobuf") {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: Lectr exports over OTLP/HTTP (http/json), got ${JSON.stringify(protocol)}`);
  }
  const compression = (e.tracesCompression || e.compression || "none").toLowerCase();
  if (compression !== "gzip" && compression !== "none") throw new Error(`OTEL_EXPORTER_OTLP_COMPRESSION must be gzip or none, got ${JSON.stringify(compression)}`);
  const timeoutRaw = e.tracesTimeout || e.timeout || "10000";
  const timeoutMs = Number(timeoutRaw);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error(`OTEL_EXPORTER_OTLP_TIMEOUT must be a positive integer of milliseconds, got ${JSON.stringify(timeoutRaw)}`);
  return {
    tracesUrl,
    // signal-specific headers are added to (and win over) the general ones
    headers: { ...parseKeyValueList(e.headers, "OTEL_EXPORTER_OTLP_HEADERS"), ...parseKeyValueList(e.tracesHeaders, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") },
    timeoutMs,
    compression,
    resourceAttributes: parseKeyValueList(e.resourceAttributes, "OTEL_RESOURCE_ATTRIBUTES"),
  };
}
