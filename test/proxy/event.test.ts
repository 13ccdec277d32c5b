/** The event's cost as buildEvent settles it: exact, a labelled estimate for a cut stream, 0 for a call Lectr refused unsent, else unknown. */
import { describe, expect, test } from "bun:test";
import { createPriceBook } from "../../src/pricing/price-book.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";
import { buildEvent, type RequestFacts, type ResponseFacts } from "../../src/proxy/event.ts";

const at = Date.parse("2026-01-05T12:00:00Z");
const book = createPriceBook(builtinPrices);

const request = (model: string, streamed: boolean): RequestFacts => ({
  id: "e1",
  orgId: "o",
  keyId: "k",
  createdAt: at,
  endpoint: "/v1/chat/completions",
  provider: "openai",
  providerSource: "detected",
  providerUnknown: false,
  model,
  streamed,
  tags: { feature: null, task: null },
  routing: { ruleId: null, fromModel: null, skipped: null },
});

const response = (r: Partial<ResponseFacts>): ResponseFacts => ({ status: 200, errorCode: null, latencyMs: 10, ttfbMs: 5, usage: undefined, responseModel: undefined, ...r });

const costOf = (model: string, streamed: boolean, r: Partial<ResponseFacts>) => {
  const e = buildEvent(request(model, streamed), response(r), book);
  return { cost: e.cost_usd, source: e.cost_source, known: e.price_known };
};

describe("an event's cost", () => {
  // gpt-4o-mini: $0.15 in, $0.60 out per million tokens
  const cutEstimate = (100 * 0.15 + 9 * 0.6) / 1e6;
  test.each([
    ["a stream cut before its usage: the body's size in, a token per chunk after the first out", "gpt-4o-mini", true, { errorCode: "client_aborted", streamedChunks: 10, requestBytes: 400 }, { cost: cutEstimate, source: "estimated", known: true }],
    ["the same cut stream of a model without a price stays unknown", "no-such-model", true, { errorCode: "client_aborted", streamedChunks: 10, requestBytes: 400 }, { cost: null, source: "unpriced", known: false }],
    ["a stream that ended without usage, as the provider meant, stays unknown", "gpt-4o-mini", true, { streamedChunks: 10, requestBytes: 400 }, { cost: null, source: "registry", known: true }],
    ["a stream whose upstream connection broke is estimated too", "gpt-4o-mini", true, { errorCode: "upstream_unreachable", streamedChunks: 10, requestBytes: 400 }, { cost: cutEstimate, source: "estimated", known: true }],
    ["a stream that failed upstream is not estimated", "gpt-4o-mini", true, { status: 500, errorCode: "upstream_error", streamedChunks: 0, requestBytes: 400 }, { cost: null, source: "registry", known: true }],
    ["a whole answer without usage is unknown, never estimated", "gpt-4o-mini", false, { requestBytes: 400 }, { cost: null, source: "registry", known: true }],
    ["a budget refusal was never sent: it costs 0", "gpt-4o-mini", false, { status: 402, errorCode: "budget_exceeded", requestBytes: 400 }, { cost: 0, source: "registry", known: true }],
    ["a rate-limit refusal was never sent: it costs 0", "gpt-4o-mini", true, { status: 429, errorCode: "rate_limit_exceeded", requestBytes: 400 }, { cost: 0, source: "registry", known: true }],
  ] as const)("%s", (_, model, streamed, r, expected) => {
    expect(costOf(model, streamed, r)).toEqual(expected);
  });
});
