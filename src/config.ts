/**
 * The only reader of configuration. Every setting is an env var
 * (`LECTR_PORT`) and the same-named flag (`--port`); flags win.
 */
import { parseArgs as parseArgsStrict } from "node:util";
import { isLogLevel, type LogLevel } from "./lib/log.ts";
import { readOtlpEnv, type OtlpExport } from "./lib/otlp-env.ts";
import type { ProviderId } from "./providers/types.ts";
import { providers } from "./providers/index.ts";
import { filePathOf } from "./lib/file-url.ts";
import { readSecret, secretSettings, type SecretSetting } from "./config-secrets.ts";
import { files } from "./runtime/files.ts";

export interface Config {
  port: number;
  host: string;
  dbUrl: string;
  dbAuthToken: string | undefined;
  adminToken: string | undefined;
  /** One for every provider whose upstream comes from configuration (every one but Azure). */
  baseUrls: Partial<Record<ProviderId, string>>;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  /** A request body (/v1, /graphql) still arriving after this gets 408. */
  bodyTimeoutMs: number;
  /** One database read (GraphQL, dashboard) running past this fails with READ_TIMEOUT; its thread is replaced. */
  readTimeoutMs: number;
  /** Threads with their own connection that run those reads, for a database file. */
  readThreads: number;
  /** Heavy GraphQL requests (a large scan of events) one key may have running at once. */
  heavyQueriesPerKey: number;
  /** An idle keep-alive connection, or a quick route's request, is closed after this. */
  idleTimeoutMs: number;
  /** Connections with a request in progress from one client address before 429 (0: no cap). */
  maxConnectionsPerAddress: number;
  allowPrivateUpstreams: boolean;
  logLevel: LogLevel;
  /** A stream silent for this long is ended with an SSE error (upstream_timeout). */
  streamIdleTimeoutMs: number;
  /** Where events wait while the database is unavailable. */
  spoolDir: string;
  /** Failed org-key attempts per address within the window before it gets 429 for a window (0: off). */
  authFailLimit: number;
  authFailWindowMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Browser origins allowed to call /graphql (exact `scheme://host[:port]`); CORS is off without any. */
  corsOrigins: string[];
  /** Where and how spans are exported (the standard OTEL_EXPORTER_OTLP_* variables); tracing is off without an endpoint. */
  otlp: OtlpExport | undefined;
  serviceName: string;
  /** Event batching: flush when this many are queued, or after flushIntervalMs. */
  flushBatchSize: number;
  flushIntervalMs: number;
  /** How long graceful shutdown waits for in-flight requests. */
  shutdownGraceMs: number;
  /** How long a cached org-key lookup is trusted (revocation takes effect within it). */
  keyCacheTtlMs: number;
  /** A price file (the shape of src/pricing/prices.json) laid over the built-in registry at start. */
  pricesFile: string | undefined;
  /** LECTR_SECRETS_KEY: 32 bytes (hex or base64) that seal provider admin keys; reconciliation is off without it. */
  secretsKey: string | undefined;
  /** Admin keys for the `default` org's reconciliation, sealed into the database at start. */
  adminKeys: { openai: string | undefined; anthropic: string | undefined };
}

interface Setting {
  env: string;
  flag: string;
  default: string;
  help: string;
}

/** LECTR_<ID>_BASE_URL / --<id>-base-url for each provider whose upstream is configured, from the registry. */
const baseUrlSettings: Record<string, Setting> = Object.fromEntries(
  Object.values(providers).flatMap((p) =>
    p.upstream.from === "config"
      ? [[p.id, { env: `LECTR_${p.id.toUpperCase()}_BASE_URL`, flag: `${p.id}-base-url`, default: p.upstream.defaultBaseUrl, help: p.upstream.description }]]
      : [],
  ),
);

/** The documented settings, in the order of docs/configuration.md. */
export const settings = {
  port: { env: "LECTR_PORT", flag: "port", default: "8787", help: "listen port" },
  host: { env: "LECTR_HOST", flag: "host", default: "0.0.0.0", help: "listen address" },
  dbUrl: { env: "LECTR_DB_URL", flag: "db-url", default: "file:lectr.db", help: "libSQL URL: file:, libsql://, http(s)://" },
  dbAuthToken: { env: "LECTR_DB_AUTH_TOKEN", flag: "db-auth-token", default: "", help: "token for a remote libSQL" },
  dbAuthTokenFile: { env: "LECTR_DB_AUTH_TOKEN_FILE", flag: "db-auth-token-file", default: "", help: "file holding LECTR_DB_AUTH_TOKEN (one of the two)" },
  adminToken: { env: "LECTR_ADMIN_TOKEN", flag: "admin-token", default: "", help: "admin bearer token for the GraphQL management API (16+ characters)" },
  adminTokenFile: { env: "LECTR_ADMIN_TOKEN_FILE", flag: "admin-token-file", default: "", help: "file holding LECTR_ADMIN_TOKEN (one of the two)" },
  ...baseUrlSettings,
  upstreamTimeoutMs: { env: "LECTR_UPSTREAM_TIMEOUT_MS", flag: "upstream-timeout-ms", default: "600000", help: "whole-request upstream timeout" },
  maxBodyBytes: { env: "LECTR_MAX_BODY_BYTES", flag: "max-body-bytes", default: "33554432", help: "larger request bodies get 413" },
  bodyTimeoutMs: { env: "LECTR_BODY_TIMEOUT_MS", flag: "body-timeout-ms", default: "30000", help: "a request body still arriving after this gets 408" },
  readTimeoutMs: { env: "LECTR_READ_TIMEOUT_MS", flag: "read-timeout-ms", default: "10000", help: "a GraphQL/dashboard database read running longer fails with READ_TIMEOUT" },
  readThreads: { env: "LECTR_READ_THREADS", flag: "read-threads", default: "1", help: "threads running GraphQL/dashboard reads of a database file (0: on the /v1 thread)" },
  heavyQueriesPerKey: { env: "LECTR_HEAVY_QUERIES_PER_KEY", flag: "heavy-queries-per-key", default: "2", help: "heavy GraphQL requests (large event scans) one key may run at once; more get 429" },
  idleTimeoutMs: { env: "LECTR_IDLE_TIMEOUT_MS", flag: "idle-timeout-ms", default: "30000", help: "close a keep-alive connection idle this long" },
  maxConnectionsPerAddress: { env: "LECTR_MAX_CONNECTIONS_PER_ADDRESS", flag: "max-connections-per-address", default: "1024", help: "connections with a request in progress per client address before 429 (0: off)" },
  allowPrivateUpstreams: { env: "LECTR_ALLOW_PRIVATE_UPSTREAMS", flag: "allow-private-upstreams", default: "false", help: "allow Azure endpoints on http:// or private/loopback addresses" },
  logLevel: { env: "LECTR_LOG_LEVEL", flag: "log-level", default: "info", help: "debug | info | warn | error" },
  streamIdleTimeoutMs: { env: "LECTR_STREAM_IDLE_TIMEOUT_MS", flag: "stream-idle-timeout-ms", default: "120000", help: "end a stream silent this long" },
  authFailLimit: { env: "LECTR_AUTH_FAIL_LIMIT", flag: "auth-fail-limit", default: "20", help: "bad org keys per address per window before 429 (0: off)" },
  authFailWindowMs: { env: "LECTR_AUTH_FAIL_WINDOW_MS", flag: "auth-fail-window-ms", default: "60000", help: "window for LECTR_AUTH_FAIL_LIMIT, and how long the 429 lasts" },
  metricsToken: { env: "LECTR_METRICS_TOKEN", flag: "metrics-token", default: "", help: "bearer token for GET /metrics (16+ characters); per-org series are shown only with it" },
  metricsTokenFile: { env: "LECTR_METRICS_TOKEN_FILE", flag: "metrics-token-file", default: "", help: "file holding LECTR_METRICS_TOKEN (one of the two)" },
  corsOrigins: { env: "LECTR_CORS_ORIGINS", flag: "cors-origins", default: "", help: "comma-separated origins allowed to call /graphql from a browser (default: none)" },
  otlpEndpoint: { env: "OTEL_EXPORTER_OTLP_ENDPOINT", flag: "otlp-endpoint", default: "", help: "OTLP/HTTP collector base; spans go to <url>/v1/traces; traces are off without it" },
  otlpTracesEndpoint: { env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", flag: "otlp-traces-endpoint", default: "", help: "full URL for spans (wins over OTEL_EXPORTER_OTLP_ENDPOINT)" },
  otlpHeaders: { env: "OTEL_EXPORTER_OTLP_HEADERS", flag: "otlp-headers", default: "", help: "headers on every export: key=value,key2=value2 (values percent-encoded)" },
  otlpTracesHeaders: { env: "OTEL_EXPORTER_OTLP_TRACES_HEADERS", flag: "otlp-traces-headers", default: "", help: "headers on span exports, added to OTEL_EXPORTER_OTLP_HEADERS" },
  otlpTimeout: { env: "OTEL_EXPORTER_OTLP_TIMEOUT", flag: "otlp-timeout", default: "10000", help: "ms one export may take" },
  otlpTracesTimeout: { env: "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", flag: "otlp-traces-timeout", default: "", help: "ms one span export may take (wins over OTEL_EXPORTER_OTLP_TIMEOUT)" },
  otlpProtocol: { env: "OTEL_EXPORTER_OTLP_PROTOCOL", flag: "otlp-protocol", default: "", help: "http/json (http/protobuf receivers take it too); grpc is refused" },
  otlpTracesProtocol: { env: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", flag: "otlp-traces-protocol", default: "", help: "as OTEL_EXPORTER_OTLP_PROTOCOL, for spans" },
  otlpCompression: { env: "OTEL_EXPORTER_OTLP_COMPRESSION", flag: "otlp-compression", default: "", help: "gzip or none" },
  otlpTracesCompression: { env: "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", flag: "otlp-traces-compression", default: "", help: "gzip or none, for spans" },
  resourceAttributes: { env: "OTEL_RESOURCE_ATTRIBUTES", flag: "resource-attributes", default: "", help: "key=value,… added to the exported resource" },
  otelSdkDisabled: { env: "OTEL_SDK_DISABLED", flag: "otel-sdk-disabled", default: "", help: "true turns tracing off" },
  tracesExporter: { env: "OTEL_TRACES_EXPORTER", flag: "traces-exporter", default: "", help: "otlp (default) or none" },
  serviceName: { env: "OTEL_SERVICE_NAME", flag: "service-name", default: "lectr", help: "service.name on exported spans" },
  spoolDir: { env: "LECTR_SPOOL_DIR", flag: "spool-dir", default: "", help: "where events wait while the database is down (default: next to the database)" },
  pricesFile: { env: "LECTR_PRICES_FILE", flag: "prices-file", default: "", help: "JSON price rows laid over the built-in registry (docs/costs.md)" },
  secretsKey: { env: "LECTR_SECRETS_KEY", flag: "secrets-key", default: "", help: "32 random bytes, hex or base64, sealing stored provider admin keys (also _FILE); reconciliation is off without it" },
  openaiAdminKey: { env: "LECTR_OPENAI_ADMIN_KEY", flag: "openai-admin-key", default: "", help: "OpenAI admin key reconciling the default org (also _FILE)" },
  anthropicAdminKey: { env: "LECTR_ANTHROPIC_ADMIN_KEY", flag: "anthropic-admin-key", default: "", help: "Anthropic admin key reconciling the default org (also _FILE)" },
} satisfies Record<string, Setting>;

export class ConfigError extends Error {}

/** Flags of the management commands (not settings), by the command that takes them. */
export const commandFlags: Record<string, readonly string[]> = {
  "orgs set-azure": ["endpoint", "api-version"],
  "keys create": ["org", "scope", "name"],
  "keys list": ["org"],
  prices: ["model"],
  reconcile: ["org", "provider", "from", "to"],
  "reconcile set-key": ["org", "provider"],
  "reconcile sources": ["org", "provider"],
  "reconcile alerts": ["org", "unseen-usd", "drift-usd"],
};

/** A setting is a switch when its default is one; a switch takes no value (`--allow-private-upstreams serve`). */
const isSwitch = (s: Setting) => s.default === "true" || s.default === "false";

/**
 * Splits argv into positional words and flags, strictly: an unknown flag, a
 * missing value or a flag the command does not take is a ConfigError naming
 * the valid ones (the CLI exits 2). Switches come back as "true".
 */
export function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" }, version: { type: "boolean" } };
  for (const s of Object.values(settings) as Setting[]) options[s.flag] = { type: isSwitch(s) ? "boolean" : "string" };
  for (const name of new Set(Object.values(commandFlags).flat())) options[name] = { type: "string" };
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    const valid = Object.keys(options).map((o) => `--${o}`).join(", ");
    throw new ConfigError(`${(e as Error).message.split(". ")[0]!.replace(/\.$/, "")}. Valid options: ${valid}.`);
  }
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.values)) if (value !== undefined) flags[name] = String(value);
  const positional = parsed.positionals;
  const command = commandFlags[positional.slice(0, 2).join(" ")] ? positional.slice(0, 2).join(" ") : (positional[0] ?? "");
  const allowed = commandFlags[command] ?? [];
  const misplaced = Object.keys(flags).filter((f) => !(f in settingFlags) && f !== "help" && f !== "version" && !allowed.includes(f));
  if (misplaced.length > 0) {
    const takes = allowed.length > 0 ? `it takes ${allowed.map((f) => `--${f}`).join(", ")}` : "it takes none besides the settings";
    throw new ConfigError(`"${command || "serve"}" does not take --${misplaced[0]}; ${takes}. See lectr --help.`);
  }
  return { positional, flags };
}

const settingFlags: Record<string, true> = Object.fromEntries((Object.values(settings) as Setting[]).map((s) => [s.flag, true]));

export function loadConfig(env: Record<string, string | undefined>, flags: Record<string, string> = {}, readText = files.readText): Config {
  const get = (s: Setting): string => flags[s.flag] ?? env[s.env] ?? s.default;
  const secret = (s: SecretSetting): string | undefined => {
    const got = readSecret(s, env, flags, readText);
    if (!got.ok) throw new ConfigError(got.error);
    return got.value;
  };
  const int = (s: Setting, min: number): number => {
    const raw = get(s);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${s.env} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const bool = (s: Setting): boolean => {
    const raw = get(s).toLowerCase();
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off", ""].includes(raw)) return false;
    throw new ConfigError(`${s.env} must be true or false, got ${JSON.stringify(raw)}`);
  };
  const url = (s: Setting): string => {
    const raw = get(s).replace(/\/+$/, "");
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(`${s.env} must be a URL, got ${JSON.stringify(raw)}`);
    }
    return raw;
  };
  const otlp = () => {
    try {
      return readOtlpEnv({
        endpoint: get(settings.otlpEndpoint),
        tracesEndpoint: get(settings.otlpTracesEndpoint),
        headers: get(settings.otlpHeaders),
        tracesHeaders: get(settings.otlpTracesHeaders),
        timeout: get(settings.otlpTimeout),
        tracesTimeout: get(settings.otlpTracesTimeout),
        protocol: get(settings.otlpProtocol),
        tracesProtocol: get(settings.otlpTracesProtocol),
        compression: get(settings.otlpCompression),
        tracesCompression: get(settings.otlpTracesCompression),
        resourceAttributes: get(settings.resourceAttributes),
        sdkDisabled: get(settings.otelSdkDisabled),
        tracesExporter: get(settings.tracesExporter),
      });
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  };
  const logLevel = get(settings.logLevel).toLowerCase();
  if (!isLogLevel(logLevel)) throw new ConfigError(`LECTR_LOG_LEVEL must be debug, info, warn or error, got ${JSON.stringify(logLevel)}`);
  const port = int(settings.port, 0);
  if (port > 65535) throw new ConfigError(`LECTR_PORT must be ≤ 65535, got ${port}`);
  return {
    port,
    host: get(settings.host),
    dbUrl: get(settings.dbUrl),
    dbAuthToken: secret(secretSettings.dbAuthToken),
    adminToken: secret(secretSettings.adminToken),
    baseUrls: Object.fromEntries(Object.entries(baseUrlSettings).map(([id, s]) => [id, url(s)])),
    upstreamTimeoutMs: int(settings.upstreamTimeoutMs, 1),
    maxBodyBytes: int(settings.maxBodyBytes, 1),
    bodyTimeoutMs: int(settings.bodyTimeoutMs, 1),
    readTimeoutMs: int(settings.readTimeoutMs, 1),
    readThreads: int(settings.readThreads, 0),
    heavyQueriesPerKey: int(settings.heavyQueriesPerKey, 1),
    idleTimeoutMs: int(settings.idleTimeoutMs, 1),
    maxConnectionsPerAddress: int(settings.maxConnectionsPerAddress, 0),
    allowPrivateUpstreams: bool(settings.allowPrivateUpstreams),
    logLevel,
    streamIdleTimeoutMs: int(settings.streamIdleTimeoutMs, 1),
    spoolDir: get(settings.spoolDir) || defaultSpoolDir(get(settings.dbUrl)),
    authFailLimit: int(settings.authFailLimit, 0),
    authFailWindowMs: int(settings.authFailWindowMs, 1),
    metricsToken: secret(secretSettings.metricsToken),
    corsOrigins: origins(get(settings.corsOrigins)),
    otlp: otlp(),
    serviceName: get(settings.serviceName),
    flushBatchSize: 500,
    flushIntervalMs: 250,
    shutdownGraceMs: 30_000,
    keyCacheTtlMs: 5_000,
    pricesFile: get(settings.pricesFile) || undefined,
    secretsKey: secret(secretSettings.secretsKey),
    adminKeys: { openai: secret(secretSettings.openaiAdminKey), anthropic: secret(secretSettings.anthropicAdminKey) },
  };
}

/** Exact origins only: a wildcard or a path would let more pages in than the operator named. */
function origins(raw: string): string[] {
  return raw
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "")
    .map((o) => {
      const origin = URL.canParse(o) ? new URL(o).origin : undefined;
      if (origin === undefined || origin === "null" || origin !== o || o.includes("*")) {
        throw new ConfigError(`LECTR_CORS_ORIGINS takes exact origins like https://dash.example.com (no path, no wildcard), got ${JSON.stringify(o)}`);
      }
      return origin;
    });
}

/** Next to an embedded database file; in the working directory for a remote one. */
export function defaultSpoolDir(dbUrl: string): string {
  const path = filePathOf(dbUrl);
  return path === undefined ? "lectr-spool" : `${path}.spool`;
}
