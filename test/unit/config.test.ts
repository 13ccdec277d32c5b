import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, parseArgs } from "../../src/config.ts";
import { secretsOutOfArgv } from "../../src/config-secrets.ts";
import { providers } from "../../src/providers/index.ts";

describe("loadConfig", () => {
  test("defaults", () => {
    const c = loadConfig({});
    expect({ port: c.port, host: c.host, dbUrl: c.dbUrl, timeout: c.upstreamTimeoutMs, max: c.maxBodyBytes, allow: c.allowPrivateUpstreams, level: c.logLevel, bases: c.baseUrls }).toEqual({
      port: 8787,
      host: "0.0.0.0",
      dbUrl: "file:lectr.db",
      timeout: 600000,
      max: 33554432,
      allow: false,
      level: "info",
      bases: {
        openai: "https://api.openai.com/v1",
        anthropic: "https://api.anthropic.com/v1",
        groq: "https://api.groq.com/openai/v1",
        gemini: "https://generativelanguage.googleapis.com/v1beta/openai",
        mistral: "https://api.mistral.ai/v1",
        deepseek: "https://api.deepseek.com",
        xai: "https://api.x.ai/v1",
        openrouter: "https://openrouter.ai/api/v1",
      },
    });
  });
  test("slow-client limits: defaults, env and flags; the cap may be 0 (off), the timeouts may not", () => {
    const d = loadConfig({});
    expect([d.bodyTimeoutMs, d.idleTimeoutMs, d.maxConnectionsPerAddress]).toEqual([30_000, 30_000, 1024]);
    const c = loadConfig({ LECTR_BODY_TIMEOUT_MS: "5000", LECTR_MAX_CONNECTIONS_PER_ADDRESS: "0" }, parseArgs(["--idle-timeout-ms", "2000"]).flags);
    expect([c.bodyTimeoutMs, c.idleTimeoutMs, c.maxConnectionsPerAddress]).toEqual([5000, 2000, 0]);
    expect(() => loadConfig({ LECTR_BODY_TIMEOUT_MS: "0" })).toThrow(/LECTR_BODY_TIMEOUT_MS/);
    expect(() => loadConfig({ LECTR_IDLE_TIMEOUT_MS: "-1" })).toThrow(/LECTR_IDLE_TIMEOUT_MS/);
    expect(() => loadConfig({ LECTR_MAX_CONNECTIONS_PER_ADDRESS: "many" })).toThrow(/LECTR_MAX_CONNECTIONS_PER_ADDRESS/);
  });
  test("flags win over env, with the same names", () => {
    const { flags } = parseArgs(["serve", "--port", "9000", "--log-level=debug", "--allow-private-upstreams"]);
    const c = loadConfig({ LECTR_PORT: "8000", LECTR_LOG_LEVEL: "warn", LECTR_OPENAI_BASE_URL: "http://127.0.0.1:1/v1/" }, flags);
    expect([c.port, c.logLevel, c.allowPrivateUpstreams, c.baseUrls.openai]).toEqual([9000, "debug", true, "http://127.0.0.1:1/v1"]);
  });
  test.each([
    [{ LECTR_PORT: "abc" }, /LECTR_PORT/],
    [{ LECTR_PORT: "70000" }, /LECTR_PORT/],
    [{ LECTR_LOG_LEVEL: "loud" }, /LECTR_LOG_LEVEL/],
    [{ LECTR_ALLOW_PRIVATE_UPSTREAMS: "maybe" }, /LECTR_ALLOW_PRIVATE_UPSTREAMS/],
    [{ LECTR_GROQ_BASE_URL: "not a url" }, /LECTR_GROQ_BASE_URL/],
  ])("rejects %p", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("parseArgs", () => {
  test("positional words and flags", () => {
    expect(parseArgs(["keys", "list", "--org", "acme"])).toEqual({ positional: ["keys", "list"], flags: { org: "acme" } });
  });
  test("a switch takes no value, so the command after it stays the command", () => {
    expect(parseArgs(["--allow-private-upstreams", "serve", "--port=9000"])).toEqual({ positional: ["serve"], flags: { "allow-private-upstreams": "true", port: "9000" } });
  });
  test.each([
    [["--prot", "9000"], /Unknown option '--prot'\. Valid options: .*--port,/],
    [["serve", "--port"], /'--port <value>' argument missing\. Valid options: /],
    [["keys", "list", "--endpoint", "https://x"], /"keys list" does not take --endpoint; it takes --org/],
    [["serve", "--model", "gpt-4o"], /"serve" does not take --model/],
  ])("refuses %p, naming what is valid", (args, message) => {
    expect(() => parseArgs(args)).toThrow(ConfigError);
    expect(() => parseArgs(args)).toThrow(message);
  });
});

test("with the default base, Anthropic's native and compatibility paths reach api.anthropic.com/v1/…", () => {
  const base = loadConfig({}).baseUrls.anthropic!;
  const url = (path: string) => providers.anthropic.url({ base, surface: "v1", path, search: "", model: "claude-sonnet-4-5" });
  expect([url("/messages"), url("/chat/completions")]).toEqual(["https://api.anthropic.com/v1/messages", "https://api.anthropic.com/v1/chat/completions"]);
});

test("every provider configured by URL has a LECTR_<ID>_BASE_URL setting, from the registry", () => {
  const c = loadConfig({ LECTR_GROQ_BASE_URL: "http://127.0.0.1:9/openai/v1" });
  expect(c.baseUrls.groq).toBe("http://127.0.0.1:9/openai/v1");
  const configured = Object.values(providers).filter((p) => p.upstream.from === "config").map((p) => p.id);
  expect(Object.keys(c.baseUrls)).toEqual(configured);
});

describe("secret settings", () => {
  const files: Record<string, string> = { "/run/secrets/admin": "admin-token-from-a-file-0123\n", "/run/secrets/empty": "", "/run/secrets/short": "abc\n" };
  const read = (p: string) => {
    if (p in files) return files[p]!;
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
  };

  test("admin and metrics tokens shorter than 16 characters are refused with a clear message that does not echo them", () => {
    for (const [env, name] of [[{ LECTR_ADMIN_TOKEN: "Q9Zx" }, "LECTR_ADMIN_TOKEN"], [{ LECTR_METRICS_TOKEN: "scrape-me" }, "LECTR_METRICS_TOKEN"]] as const) {
      let message = "";
      try {
        loadConfig(env, {}, read);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message).toContain(`${name} must be at least 16 characters`);
      expect(message).not.toContain(Object.values(env)[0]!);
    }
    expect(() => loadConfig({}, parseArgs(["--admin-token", "short"]).flags, read)).toThrow(/LECTR_ADMIN_TOKEN must be at least 16/);
    const c = loadConfig({ LECTR_ADMIN_TOKEN: "x".repeat(16), LECTR_METRICS_TOKEN: "y".repeat(16), LECTR_DB_AUTH_TOKEN: "z" }, {}, read);
    expect([c.adminToken, c.metricsToken, c.dbAuthToken]).toEqual(["x".repeat(16), "y".repeat(16), "z"]);
  });

  test("*_FILE variants: read from the file (one trailing newline dropped); both forms, an empty or missing file are refused", () => {
    expect(loadConfig({ LECTR_ADMIN_TOKEN_FILE: "/run/secrets/admin" }, {}, read).adminToken).toBe("admin-token-from-a-file-0123");
    expect(loadConfig({}, parseArgs(["--metrics-token-file", "/run/secrets/admin"]).flags, read).metricsToken).toBe("admin-token-from-a-file-0123");
    expect(loadConfig({ LECTR_DB_AUTH_TOKEN_FILE: "/run/secrets/short" }, {}, read).dbAuthToken).toBe("abc");
    expect(() => loadConfig({ LECTR_ADMIN_TOKEN: "x".repeat(16), LECTR_ADMIN_TOKEN_FILE: "/run/secrets/admin" }, {}, read)).toThrow(
      "LECTR_ADMIN_TOKEN and LECTR_ADMIN_TOKEN_FILE are both set; set one of them",
    );
    expect(() => loadConfig({ LECTR_ADMIN_TOKEN_FILE: "/run/secrets/empty" }, {}, read)).toThrow('LECTR_ADMIN_TOKEN_FILE: "/run/secrets/empty" is empty');
    expect(() => loadConfig({ LECTR_ADMIN_TOKEN_FILE: "/nope" }, {}, read)).toThrow('LECTR_ADMIN_TOKEN_FILE: cannot read "/nope" (ENOENT)');
    expect(() => loadConfig({ LECTR_METRICS_TOKEN_FILE: "/run/secrets/short" }, {}, read)).toThrow(/LECTR_METRICS_TOKEN must be at least 16 characters \(it has 3\)/);
  });

  test("secret flags move out of a child's argv into its environment, in every flag form", () => {
    expect(secretsOutOfArgv(["serve", "--admin-token", "a1", "--port", "1", "--metrics-token=m=1", "--db-auth-token", "d", "--log-level=debug"])).toEqual({
      args: ["serve", "--port", "1", "--log-level=debug"],
      env: { LECTR_ADMIN_TOKEN: "a1", LECTR_METRICS_TOKEN: "m=1", LECTR_DB_AUTH_TOKEN: "d" },
    });
    // the sealing key and provider admin keys too
    expect(secretsOutOfArgv(["--secrets-key", "s", "--openai-admin-key=o", "--anthropic-admin-key", "a"])).toEqual({
      args: [],
      env: { LECTR_SECRETS_KEY: "s", LECTR_OPENAI_ADMIN_KEY: "o", LECTR_ANTHROPIC_ADMIN_KEY: "a" },
    });
    // a file's path is not a secret: it stays
    expect(secretsOutOfArgv(["--admin-token-file", "/run/secrets/admin"])).toEqual({ args: ["--admin-token-file", "/run/secrets/admin"], env: {} });
  });
});
