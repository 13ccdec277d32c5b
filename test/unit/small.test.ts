import { describe, expect, test } from "bun:test";
import { uuidv7, uuidv7Time } from "../../src/lib/uuid.ts";
import { parseTags } from "../../src/lib/tags.ts";
import { inspectBody, rewriteBody } from "../../src/proxy/body.ts";
import { checkEndpointShape } from "../../src/egress/azure-endpoint.ts";
import { isPrivateAddress } from "../../src/egress/address.ts";
import { unwrapArrayError } from "../../src/providers/unwrap-error.ts";
import { generateOrgKey, hashKey, looksLikeOrgKey } from "../../src/lib/keys.ts";
import { createLogger, formatLine } from "../../src/lib/log.ts";

const enc = new TextEncoder();

describe("uuidv7", () => {
  test("is a version-7 UUID carrying its time, and sorts by time", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(a)).toBe(1_700_000_000_000);
    expect(a < b).toBe(true);
  });
});

describe("parseTags", () => {
  test.each([
    [null, null, { ok: true, value: { feature: null, task: null } }],
    ["search", "Classification", { ok: true, value: { feature: "search", task: "classification" } }],
    ["x".repeat(128), "other", { ok: true, value: { feature: "x".repeat(128), task: "other" } }],
    ["x".repeat(129), null, { ok: false, error: { kind: "invalid_feature", length: 129 } }],
    [null, "poetry", { ok: false, error: { kind: "invalid_task", value: "poetry" } }],
  ])("%p %p", (feature, task, expected) => {
    expect(parseTags(feature, task)).toEqual(expected as never);
  });
});

describe("inspectBody", () => {
  test("reads model, stream and the client's own include_usage", () => {
    const f = inspectBody(enc.encode(' {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}'));
    expect([f.model, f.stream, f.clientWantsUsage]).toEqual(["gpt-4o", true, true]);
  });
  test.each(["", "not json", "[1,2]", '{"model":42}', "{broken"])("tells nothing about %p", (body) => {
    const f = inspectBody(enc.encode(body));
    expect([f.model, f.stream, f.clientWantsUsage]).toEqual(["", false, false]);
  });
  test("rewriteBody turns on include_usage, keeping the client's other stream options", () => {
    const out = JSON.parse(new TextDecoder().decode(rewriteBody({ model: "m", stream: true, stream_options: { foo: 1 } }, { model: "m", streamUsage: true })));
    expect(out).toEqual({ model: "m", stream: true, stream_options: { foo: 1, include_usage: true } });
  });
  test("rewriteBody sets a routed model and leaves the rest alone", () => {
    const out = JSON.parse(new TextDecoder().decode(rewriteBody({ model: "gpt-4o", temperature: 0, messages: [] }, { model: "gpt-4o-mini", streamUsage: false })));
    expect(out).toEqual({ model: "gpt-4o-mini", temperature: 0, messages: [] });
  });
});

describe("Azure endpoint checks", () => {
  test.each([
    ["https://acme.openai.azure.com", false, "https://acme.openai.azure.com"],
    ["https://acme.openai.azure.com/", false, "https://acme.openai.azure.com"],
    ["https://gw.example.com/azure/prefix/", false, "https://gw.example.com/azure/prefix"],
    ["http://acme.openai.azure.com", false, undefined],
    ["https://127.0.0.1", false, undefined],
    ["https://169.254.169.254", false, undefined],
    ["https://10.1.2.3", false, undefined],
    ["https://[::1]", false, undefined],
    ["https://localhost", false, undefined],
    ["https://user:pw@acme.openai.azure.com", false, undefined],
    ["http://127.0.0.1:9999", true, "http://127.0.0.1:9999"],
    ["ftp://x", true, undefined],
  ])("%p (allow private: %p)", (raw, allow, expected) => {
    const r = checkEndpointShape(raw, allow);
    expect(r.ok ? r.value : undefined).toBe(expected as never);
  });
  test.each([
    ["127.0.0.1", true],
    ["10.0.0.8", true],
    ["172.16.0.1", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["20.1.2.3", false],
    ["2603:1030::1", false],
  ])("isPrivateAddress(%p) = %p", (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

describe("unwrapArrayError", () => {
  test("Gemini's array becomes OpenAI's envelope", () => {
    const body = JSON.stringify([{ error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" } }]);
    expect(JSON.parse(unwrapArrayError(body, 400))).toEqual({
      error: { message: "Invalid JSON payload received.", type: "invalid_request_error", param: null, code: "INVALID_ARGUMENT" },
    });
  });
  test.each(['{"error":{"message":"x"}}', "not json", "[]", "[1]"])("leaves %p alone", (body) => {
    expect(unwrapArrayError(body, 500)).toBe(body);
  });
});

describe("org keys", () => {
  test("lk_ prefix, 256 random bits, SHA-256 hash", () => {
    const k = generateOrgKey();
    expect(k).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(looksLikeOrgKey(k)).toBe(true);
    expect(generateOrgKey()).not.toBe(k);
    // FIPS 180-2 test vector
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashKey(k)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("host guard (connect-time re-check)", () => {
  const { createHostGuard, guardHost } = require("../../src/egress/host-guard.ts") as typeof import("../../src/egress/host-guard.ts");
  test.each([
    ["localhost", false],
    ["127.0.0.1", false],
    ["169.254.169.254", false],
    ["8.8.8.8", true],
  ])("%p allowed: %p", async (host, allowed) => {
    expect((await guardHost(host)).ok).toBe(allowed);
  });
  test("a name re-pointed at an internal address is refused once the cached answer expires", async () => {
    let answer = ["20.1.2.3"];
    const guard = createHostGuard(async () => answer, 1_000);
    expect(await guard("acme.openai.azure.com", 0)).toEqual({ ok: true });
    answer = ["20.1.2.3", "169.254.169.254"];
    expect(await guard("acme.openai.azure.com", 500)).toEqual({ ok: true });
    expect(await guard("acme.openai.azure.com", 1_500)).toEqual({ ok: false, reason: "acme.openai.azure.com resolves to a private or loopback address" });
  });
  test("a name that does not resolve is refused", async () => {
    const guard = createHostGuard(async () => {
      throw new Error("ENOTFOUND");
    });
    expect(await guard("nowhere.invalid")).toEqual({ ok: false, reason: "nowhere.invalid does not resolve" });
  });
});

describe("splitUrl", () => {
  const { splitUrl } = require("../../src/proxy/handle.ts") as typeof import("../../src/proxy/handle.ts");
  test.each([
    ["http://127.0.0.1:8787/v1/chat/completions", "/v1/chat/completions", ""],
    ["http://h/v1/files/f-1/content?limit=3&x=%2F", "/v1/files/f-1/content", "?limit=3&x=%2F"],
    ["https://lectr.example.com/v1/models?", "/v1/models", "?"],
  ])("%p", (url, path, search) => {
    expect(splitUrl(url)).toEqual({ path, search });
    expect([new URL(url).pathname, new URL(url).search || (url.endsWith("?") ? "?" : "")]).toEqual([path, search]);
  });
});

describe("uuidv7 ordering", () => {
  test("ids made in the same millisecond sort in the order they were made", () => {
    // the current time, given explicitly so all 1,000 share one millisecond (never a future one: that would hold the clock back for later tests)
    const now = Date.now();
    const ids = Array.from({ length: 1000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map(uuidv7Time)).size).toBeLessThanOrEqual(2);
    expect(uuidv7Time(ids[0]!)).toBe(now);
  });
  test("an explicit earlier time keeps its own timestamp", () => {
    uuidv7();
    expect(uuidv7Time(uuidv7(1_600_000_000_000))).toBe(1_600_000_000_000);
  });
});

describe("log lines", () => {
  test("are the same JSON object a spread would give, for any fields", () => {
    const time = "2026-11-27T08:00:00.000Z";
    const cases: (Record<string, unknown> | undefined)[] = [
      undefined,
      {},
      { id: "a", n: 1, none: undefined, nil: null },
      { quote: 'say "hi"\n\u2028', nested: { a: [1, { b: "c" }] }, ok: true },
      { only: undefined },
    ];
    for (const fields of cases) {
      const line = formatLine(time, "info", 'msg "x"', fields);
      expect(line.endsWith("}\n")).toBe(true);
      expect(line.indexOf("\n")).toBe(line.length - 1);
      expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify({ time, level: "info", msg: 'msg "x"', ...fields })));
    }
  });

  test("carry the current time", () => {
    const lines: string[] = [];
    const before = Date.now();
    createLogger("info", (l) => lines.push(l)).info("x", { a: 1 });
    const t = Date.parse(JSON.parse(lines[0]!).time);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
