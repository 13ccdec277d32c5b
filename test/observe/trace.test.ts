import { describe, expect, test } from "bun:test";
import { childTraceparent, parseTraceparent, startContext, toOtlpSpan } from "../../src/observe/trace.ts";

describe("W3C traceparent", () => {
  test.each([
    ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", { traceId: "0af7651916cd43dd8448eb211c80319c", parentId: "b7ad6b7169203331", flags: 1 }],
    ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", { traceId: "0af7651916cd43dd8448eb211c80319c", parentId: "b7ad6b7169203331", flags: 0 }],
    ["00-00000000000000000000000000000000-b7ad6b7169203331-01", undefined],
    ["00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", undefined],
    ["ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", undefined],
    ["garbage", undefined],
    [null, undefined],
  ])("%p", (value, expected) => {
    expect(parseTraceparent(value)).toEqual(expected as never);
  });

  test("the client's trace continues; Lectr's span becomes the upstream's parent", () => {
    const ctx = startContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect([ctx.traceId, ctx.parentSpanId, ctx.sampled]).toEqual(["0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", true]);
    expect(childTraceparent(ctx)).toBe(`00-0af7651916cd43dd8448eb211c80319c-${ctx.spanId}-01`);
    expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
    const fresh = startContext(null);
    expect([fresh.traceId.length, fresh.parentSpanId, fresh.sampled]).toEqual([32, undefined, true]);
  });
});

test("an OTLP span carries the GenAI attributes", () => {
  const ctx = { traceId: "a".repeat(32), spanId: "b".repeat(16), parentSpanId: "c".repeat(16), sampled: true };
  const span = toOtlpSpan({
    ctx,
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_000_250,
    provider: "anthropic",
    endpoint: "/v1/chat/completions",
    model: "claude-sonnet-4-5",
    responseModel: "claude-sonnet-4-5-20250929",
    status: 200,
    errorCode: null,
    inputTokens: 12,
    outputTokens: 34,
    eventId: "ev1",
    streamed: true,
  });
  expect(span).toEqual({
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: ctx.parentSpanId,
    name: "chat claude-sonnet-4-5",
    kind: 3,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000000250000000",
    attributes: [
      { key: "gen_ai.system", value: { stringValue: "anthropic" } },
      { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
      { key: "gen_ai.request.model", value: { stringValue: "claude-sonnet-4-5" } },
      { key: "http.response.status_code", value: { intValue: "200" } },
      { key: "lectr.event_id", value: { stringValue: "ev1" } },
      { key: "lectr.streamed", value: { boolValue: true } },
      { key: "gen_ai.response.model", value: { stringValue: "claude-sonnet-4-5-20250929" } },
      { key: "gen_ai.usage.input_tokens", value: { intValue: "12" } },
      { key: "gen_ai.usage.output_tokens", value: { intValue: "34" } },
    ],
    status: { code: 0 },
  });
});
