/**
 * The operator's signals through the real server: Prometheus metrics that
 * move by exactly the traffic sent and stay bounded, a log line per request,
 * OTLP spans with GenAI attributes, traceparent continued upstream, status.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseExposition, sampleValue, type Sample } from "../helpers/prom-parse.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_ADMIN_TOKEN: "admin-secret-token" } });
});
afterAll(() => f.stop());

async function scrape(server: Pick<TestLectr, "request"> = f.lectr, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await server.request("/metrics", { headers });
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(await res.text()).samples;
}

const req = (labels: Record<string, string>) => (s: Sample[]) => sampleValue(s, "lectr_requests_total", labels) ?? 0;

describe("/metrics", () => {
  test("counters move by exactly the traffic sent", async () => {
    const chatOk = req({ provider: "openai", endpoint: "chat_completions", status_class: "2xx", streamed: "false" });
    const streamOk = req({ provider: "anthropic", endpoint: "chat_completions", status_class: "2xx", streamed: "true" });
    const rejected = req({ provider: "openai", endpoint: "chat_completions", status_class: "4xx", streamed: "false" });
    const tokens = (s: Sample[]) => sampleValue(s, "lectr_tokens_total", { provider: "openai", model: "gpt-4o", kind: "input" }) ?? 0;
    const authFail = (s: Sample[]) => sampleValue(s, "lectr_auth_failures_total", { reason: "unknown" }) ?? 0;
    const before = await scrape();
    for (let i = 0; i < 3; i++) await (await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] })).text();
    for (let i = 0; i < 2; i++)
      await (await f.post("/v1/chat/completions", { model: "claude-opus-4-7", stream: true, messages: [] }, { authorization: `Bearer ${providerKeys.anthropic}` })).text();
    await (await f.post("/v1/chat/completions", { model: "gpt-4o" }, { "x-lectr-task": "nope" })).text();
    await (await f.post("/v1/chat/completions", { model: "gpt-4o" }, { "x-lectr-key": "lk_unknownunknownunknownunknown" })).text();
    const after = await scrape();
    expect(chatOk(after) - chatOk(before)).toBe(3);
    expect(streamOk(after) - streamOk(before)).toBe(2);
    expect(rejected(after) - rejected(before)).toBe(1);
    // gpt-4o answers as gpt-4o-2024-08-06, labelled by its registry id; 120 input tokens each
    expect(tokens(after) - tokens(before)).toBe(360);
    expect(authFail(after) - authFail(before)).toBe(1);
    const ttfbCount = (s: Sample[]) => sampleValue(s, "lectr_stream_ttfb_seconds_count", { provider: "anthropic" }) ?? 0;
    expect(ttfbCount(after) - ttfbCount(before)).toBe(2);
    expect(sampleValue(after, "lectr_proxy_added_seconds_count", { provider: "openai" })).toBeGreaterThanOrEqual(4);
    expect(sampleValue(after, "process_resident_memory_bytes")).toBeGreaterThan(1e6);
    expect(sampleValue(after, "lectr_database_up")).toBe(1);
  });

  test("label values stay within bounded sets after 1,000 requests with random models and tags", async () => {
    const sends = [];
    for (let i = 0; i < 1000; i++) {
      const model = `${["gpt-", "claude-", "gemini-", "llama-", "rnd-"][i % 5]}${Math.random().toString(36).slice(2)}`;
      sends.push(
        f
          .post("/v1/chat/completions", { model, messages: [] }, { "x-lectr-feature": `feature-${i}`, "x-lectr-task": i % 2 ? "chat" : "code", authorization: "Bearer whatever" })
          .then((r) => r.text()),
      );
      if (sends.length >= 50) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    const samples = await scrape();
    const allowed: Record<string, Set<string>> = {
      provider: new Set(["openai", "anthropic", "groq", "gemini", "azure"]),
      endpoint: new Set(["chat_completions", "completions", "embeddings", "models", "other"]),
      status_class: new Set(["1xx", "2xx", "3xx", "4xx", "5xx", "other"]),
      streamed: new Set(["true", "false"]),
      kind: new Set(["input", "output", "cached_input", "reasoning"]),
      reason: new Set(["missing", "unknown", "revoked", "bad_admin_token", "bad_metrics_token"]),
    };
    const models = new Set<string>();
    for (const s of samples) {
      for (const [k, v] of Object.entries(s.labels)) {
        if (k === "le") continue;
        if (k === "model") models.add(v);
        else expect({ k, v, ok: allowed[k]?.has(v) ?? false }).toEqual({ k, v, ok: true });
      }
    }
    // only registry ids and "other": none of the 1,000 random strings
    expect([...models].every((m) => m === "other" || !m.match(/-[a-z0-9]{8,}$/))).toBe(true);
    expect(models.size).toBeLessThan(20);
  });

  test("LECTR_METRICS_TOKEN protects the endpoint", async () => {
    await using l = await startLectr({ env: { LECTR_METRICS_TOKEN: "scrape-me-0123456789" } });
    expect((await l.request(`/metrics`)).status).toBe(401);
    expect((await l.request(`/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await scrape(l, { authorization: "Bearer scrape-me-0123456789" })).length).toBeGreaterThan(0);
  });

  test("per-org series only behind the token; without one, no series names an org", async () => {
    // the fixture runs without LECTR_METRICS_TOKEN: after traffic from its org, nothing is labelled by org
    await (await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] })).text();
    const open = await scrape();
    expect(open.filter((s) => "org_id" in s.labels || s.name.startsWith("lectr_org_"))).toEqual([]);
    expect(sampleValue(open, "lectr_requests_total", { provider: "openai", endpoint: "chat_completions", status_class: "2xx", streamed: "false" })).toBeGreaterThan(0);

    await using l = await startLectr({ env: { LECTR_METRICS_TOKEN: "scrape-me-0123456789" }, baseUrls: { openai: f.mocks.openai.baseUrl } });
    const chat = () => l.request(`/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: `Bearer ${providerKeys.openai}` }, body: JSON.stringify({ model: "gpt-4o", messages: [] }) });
    for (let i = 0; i < 3; i++) await (await chat()).text();
    const withToken = await scrape(l, { authorization: "Bearer scrape-me-0123456789" });
    expect(sampleValue(withToken, "lectr_org_requests_total", { org_id: l.orgId, status_class: "2xx" })).toBe(3);
    expect(sampleValue(withToken, "lectr_org_tokens_total", { org_id: l.orgId, kind: "input" })).toBe(360);
    expect(sampleValue(withToken, "lectr_org_cost_usd_total", { org_id: l.orgId })).toBeGreaterThan(0);
  });
});

test("one JSON log line per request with its id, and the upstream's request id", async () => {
  const before = f.lectr.logs.length;
  const res = await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] });
  await res.text();
  const lines = f.lectr.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
  const mine = lines.filter((l) => l.msg === "request");
  expect(mine.length).toBe(1);
  const upstreamId = f.mocks.openai.responses.at(-1)!.headers["x-request-id"];
  expect(mine[0]).toMatchObject({
    level: "info",
    id: res.headers.get("x-lectr-request-id"),
    org_id: f.lectr.orgId,
    provider: "openai",
    model: "gpt-4o",
    status: 200,
    input_tokens: 120,
    output_tokens: 48,
    cost_usd: 0.00074,
    upstream_request_id: upstreamId,
  });
  expect(upstreamId).toBeTruthy();
  const ev = (await f.lectr.events())[0]!;
  expect([ev.id, ev.upstream_request_id]).toEqual([res.headers.get("x-lectr-request-id")!, upstreamId!]);
});

test("/v1/lectr/status answers an org key or the admin token", async () => {
  expect((await f.lectr.request(`/v1/lectr/status`)).status).toBe(401);
  const credentials: Record<string, string>[] = [{ "x-lectr-key": f.lectr.key }, { authorization: "Bearer admin-secret-token" }];
  for (const headers of credentials) {
    const res = await f.lectr.request(`/v1/lectr/status`, { headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.database).toEqual({ kind: "embedded", up: true });
    expect(typeof body.version).toBe("string");
    expect(body.uptime_s).toBeGreaterThanOrEqual(0);
    expect(body.events).toMatchObject({ dropped: 0, spooled: 0, spool_bytes: 0 });
  }
});

describe("traces", () => {
  test("spans reach an OTLP/HTTP receiver with GenAI attributes; traceparent continues upstream", async () => {
    const received: any[] = [];
    const receiver = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(r) {
        if (new URL(r.url).pathname === "/v1/traces") received.push(await r.json());
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });
    try {
      await using l = await startLectr({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}` }, baseUrls: { openai: f.mocks.openai.baseUrl } });
      f.mocks.openai.reset();
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await l.request(`/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk-test-openai", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ model: "gpt-4o", messages: [] }),
      });
      await res.text();
      const upstreamTp = f.mocks.openai.requests[0]!.headers.traceparent!;
      expect(upstreamTp).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(upstreamTp).not.toContain("00f067aa0ba902b7");
      await l.lectr.shutdown(); // flushes the exporter
      const spans = received.flatMap((b) => b.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
      expect(spans.length).toBe(1);
      const span = spans[0];
      const attrs = Object.fromEntries(span.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
      expect([span.traceId, span.parentSpanId, span.spanId]).toEqual([traceId, "00f067aa0ba902b7", upstreamTp.split("-")[2]]);
      expect(attrs).toMatchObject({
        "gen_ai.system": "openai",
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.usage.input_tokens": "120",
        "gen_ai.usage.output_tokens": "48",
        "http.response.status_code": "200",
      });
      expect(received[0].resourceSpans[0].resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "lectr" } });
    } finally {
      receiver.stop(true);
    }
  });

  test("OTEL_EXPORTER_OTLP_* headers, traces endpoint, gzip and resource attributes reach the collector", async () => {
    const received: { headers: Record<string, string>; body: any }[] = [];
    const receiver = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(r) {
        if (new URL(r.url).pathname !== "/custom/traces") return new Response("not here", { status: 404 });
        const headers = Object.fromEntries(r.headers);
        // Bun's server leaves a gzip request body encoded, as a collector receives it
        const raw = new Uint8Array(await r.arrayBuffer());
        const text = headers["content-encoding"] === "gzip" ? new TextDecoder().decode(Bun.gunzipSync(raw)) : new TextDecoder().decode(raw);
        received.push({ headers, body: JSON.parse(text) });
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });
    try {
      await using l = await startLectr({
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/custom/traces`,
          OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20collector-secret,x-scope-orgid=team-a",
          OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
          OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=staging,service.name=ignored",
        },
        baseUrls: { openai: f.mocks.openai.baseUrl },
      });
      await (
        await l.request(`/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk-test-openai" },
          body: JSON.stringify({ model: "gpt-4o", messages: [] }),
        })
      ).text();
      await l.lectr.shutdown();
      expect(received.length).toBe(1);
      const got = received[0]!;
      expect(got.headers).toMatchObject({ authorization: "Bearer collector-secret", "x-scope-orgid": "team-a", "content-encoding": "gzip", "content-type": "application/json" });
      const resource = got.body.resourceSpans[0].resource.attributes;
      expect(resource).toContainEqual({ key: "deployment.environment", value: { stringValue: "staging" } });
      expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "lectr" } });
      expect(got.body.resourceSpans[0].scopeSpans[0].spans.length).toBe(1);
      // the collector's token is the operator's secret: never in Lectr's logs
      expect(l.logs.join("\n")).not.toContain("collector-secret");
    } finally {
      receiver.stop(true);
    }
  });

  test("with tracing off, the client's traceparent passes through untouched", async () => {
    f.mocks.openai.reset();
    const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await (await f.post("/v1/chat/completions", { model: "gpt-4o", messages: [] }, { traceparent: tp })).text();
    expect(f.mocks.openai.requests[0]!.headers.traceparent).toBe(tp);
  });
});
