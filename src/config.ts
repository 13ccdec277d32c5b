/**
 * The only reader of configuration. Every setting is an env var
 * (`LECTR_PORT`) and the same-named flag (`--port`); flags win.
 */
import { isLogLevel, type LogLevel } from "./lib/log.ts";
import type { ProviderId } from "./providers/types.ts";

export interface Config {
  port: number;
  host: string;
  dbUrl: string;
  dbAuthToken: string | undefined;
  adminToken: string | undefined;
  baseUrls: Record<Exclude<ProviderId, "azure">, string>;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
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
  /** OTLP/HTTP collector base URL; tracing is off without it. */
  otlpEndpoint: string | undefined;
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
}

interface Setting {
  env: string;
  flag: string;
  default: string;
  help: string;
}

/** The documented settings, in README order. */
export const settings = {
  port: { env: "LECTR_PORT", flag: "port", default: "8787", help: "listen port" },
  host: { env: "LECTR_HOST", flag: "host", default: "0.0.0.0", help: "listen address" },
  dbUrl: { env: "LECTR_DB_URL", flag: "db-url", default: "file:lectr.db", help: "libSQL URL: file:, libsql://, http(s)://" },
  dbAuthToken: { env: "LECTR_DB_AUTH_TOKEN", flag: "db-auth-token", default: "", help: "token for a remote libSQL" },
  adminToken: { env: "LECTR_ADMIN_TOKEN", flag: "admin-token", default: "", help: "admin bearer token for the GraphQL management API" },
  openai: { env: "LECTR_OPENAI_BASE_URL", flag: "openai-base-url", default: "https://api.openai.com/v1", help: "OpenAI upstream base" },
  anthropic: { env: "LECTR_ANTHROPIC_BASE_URL", flag: "anthropic-base-url", default: "https://api.anthropic.com/v1", help: "Anthropic OpenAI-SDK-compatible base" },
  groq: { env: "LECTR_GROQ_BASE_URL", flag: "groq-base-url", default: "https://api.groq.com/openai/v1", help: "Groq upstream base" },
  gemini: { env: "LECTR_GEMINI_BASE_URL", flag: "gemini-base-url", default: "https://generativelanguage.googleapis.com/v1beta/openai", help: "Gemini OpenAI-compatible base" },
  upstreamTimeoutMs: { env: "LECTR_UPSTREAM_TIMEOUT_MS", flag: "upstream-timeout-ms", default: "600000", help: "whole-request upstream timeout" },
  maxBodyBytes: { env: "LECTR_MAX_BODY_BYTES", flag: "max-body-bytes", default: "33554432", help: "larger request bodies get 413" },
  allowPrivateUpstreams: { env: "LECTR_ALLOW_PRIVATE_UPSTREAMS", flag: "allow-private-upstreams", default: "false", help: "allow Azure endpoints on http:// or private/loopback addresses" },
  logLevel: { env: "LECTR_LOG_LEVEL", flag: "log-level", default: "info", help: "debug | info | warn | error" },
  streamIdleTimeoutMs: { env: "LECTR_STREAM_IDLE_TIMEOUT_MS", flag: "stream-idle-timeout-ms", default: "120000", help: "end a stream silent this long" },
  authFailLimit: { env: "LECTR_AUTH_FAIL_LIMIT", flag: "auth-fail-limit", default: "20", help: "bad org keys per address per window before 429 (0: off)" },
  authFailWindowMs: { env: "LECTR_AUTH_FAIL_WINDOW_MS", flag: "auth-fail-window-ms", default: "60000", help: "window for LECTR_AUTH_FAIL_LIMIT, and how long the 429 lasts" },
  metricsToken: { env: "LECTR_METRICS_TOKEN", flag: "metrics-token", default: "", help: "bearer token for GET /metrics; per-org series are shown only with it" },
  corsOrigins: { env: "LECTR_CORS_ORIGINS", flag: "cors-origins", default: "", help: "comma-separated origins allowed to call /graphql from a browser (default: none)" },
  otlpEndpoint: { env: "OTEL_EXPORTER_OTLP_ENDPOINT", flag: "otlp-endpoint", default: "", help: "OTLP/HTTP collector; traces are off without it" },
  serviceName: { env: "OTEL_SERVICE_NAME", flag: "service-name", default: "lectr", help: "service.name on exported spans" },
  spoolDir: { env: "LECTR_SPOOL_DIR", flag: "spool-dir", default: "", help: "where events wait while the database is down (default: next to the database)" },
  pricesFile: { env: "LECTR_PRICES_FILE", flag: "prices-file", default: "", help: "JSON price rows laid over the built-in registry (README: Costs)" },
} satisfies Record<string, Setting>;

export class ConfigError extends Error {}

/** Splits `--name value` / `--name=value` flags from positional words. */
export function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    if (eq > 0) {
      flags[a.slice(2, eq)] = a.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        flags[a.slice(2)] = next;
        i++;
      } else {
        flags[a.slice(2)] = "true";
      }
    }
  }
  return { positional, flags };
}

export function loadConfig(env: Record<string, string | undefined>, flags: Record<string, string> = {}): Config {
  const get = (s: Setting): string => flags[s.flag] ?? env[s.env] ?? s.default;
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
  const logLevel = get(settings.logLevel).toLowerCase();
  if (!isLogLevel(logLevel)) throw new ConfigError(`LECTR_LOG_LEVEL must be debug, info, warn or error, got ${JSON.stringify(logLevel)}`);
  const port = int(settings.port, 0);
  if (port > 65535) throw new ConfigError(`LECTR_PORT must be ≤ 65535, got ${port}`);
  return {
    port,
    host: get(settings.host),
    dbUrl: get(settings.dbUrl),
    dbAuthToken: get(settings.dbAuthToken) || undefined,
    adminToken: get(settings.adminToken) || undefined,
    baseUrls: {
      openai: url(settings.openai),
      anthropic: url(settings.anthropic),
      groq: url(settings.groq),
      gemini: url(settings.gemini),
    },
    upstreamTimeoutMs: int(settings.upstreamTimeoutMs, 1),
    maxBodyBytes: int(settings.maxBodyBytes, 1),
    allowPrivateUpstreams: bool(settings.allowPrivateUpstreams),
    logLevel,
    streamIdleTimeoutMs: int(settings.streamIdleTimeoutMs, 1),
    spoolDir: get(settings.spoolDir) || defaultSpoolDir(get(settings.dbUrl)),
    authFailLimit: int(settings.authFailLimit, 0),
    authFailWindowMs: int(settings.authFailWindowMs, 1),
    metricsToken: get(settings.metricsToken) || undefined,
    corsOrigins: origins(get(settings.corsOrigins)),
    otlpEndpoint: get(settings.otlpEndpoint) || undefined,
    serviceName: get(settings.serviceName),
    flushBatchSize: 500,
    flushIntervalMs: 250,
    shutdownGraceMs: 30_000,
    keyCacheTtlMs: 5_000,
    pricesFile: get(settings.pricesFile) || undefined,
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
  if (!dbUrl.startsWith("file:")) return "lectr-spool";
  const path = dbUrl.slice("file:".length).split("?")[0]!.replace(/^\/\//, "");
  return `${path}.spool`;
}
