/** Builds the one event row of a request from what the request path learned. Pure. */
import type { EventRow } from "../db/tables.ts";
import type { Billing, ProviderId, Usage } from "../providers/types.ts";
import type { ProviderSource } from "../providers/detect.ts";
import { cutStreamCost } from "../pricing/cut-stream.ts";
import { priceCall, type PriceBook } from "../pricing/price-book.ts";
import type { Tags } from "../lib/tags.ts";

export interface RequestFacts {
  id: string;
  orgId: string;
  keyId: string;
  createdAt: number;
  endpoint: string;
  provider: ProviderId;
  providerSource: ProviderSource;
  providerUnknown: boolean;
  model: string;
  streamed: boolean;
  tags: Tags;
  routing: { ruleId: string | null; fromModel: string | null; skipped: string | null };
}

/** What one request came to, as the response path reports it. */
export interface Outcome {
  status: number;
  errorCode: string | null;
  ttfbMs: number | null;
  usage: Usage | undefined;
  responseModel: string | undefined;
  /** Images or seconds billed, the batch rate, the object whose usage this is (src/providers/object-usage.ts). */
  billing?: Billing | undefined;
  /** The call succeeded on an endpoint that bills it (endpoints.ts `bills`): without usage its cost is unknown. */
  usageExpected?: boolean;
  /** performance.now() when the provider had sent all Lectr waits for before answering (a body read whole). */
  upstreamDoneAt?: number;
  /** SSE data events the client got (streams only): what a stream cut before its usage still used. */
  streamedChunks?: number;
}

export interface ResponseFacts {
  status: number;
  errorCode: string | null;
  latencyMs: number;
  ttfbMs: number | null;
  usage: Usage | undefined;
  responseModel: string | undefined;
  billing?: Billing | undefined;
  usageExpected?: boolean;
  upstreamRequestId?: string | undefined;
  /** SSE data events the client got (streams only). */
  streamedChunks?: number | undefined;
  /** The request body's size: a cut stream's prompt is estimated from it. */
  requestBytes?: number;
}

/** Lectr refused these before anything reached the provider: nothing is owed. */
const refusedUnsent: ReadonlySet<string> = new Set(["budget_exceeded", "budget_contended", "budget_unmeasurable", "rate_limit_exceeded"]);

/** Free-text fields an event records (models, endpoint, the provider's request id) are cut to this many characters. */
export const maxFieldLength = 256;

export const clipField = (s: string): string => (s.length > maxFieldLength ? s.slice(0, maxFieldLength) : s);

/** `prices` is the org's price book: its overrides, then the registry (src/pricing/price-book.ts). */
export function buildEvent(req: RequestFacts, res: ResponseFacts, prices: PriceBook): EventRow {
  const u = res.usage;
  const responseModel = res.responseModel === undefined ? undefined : clipField(res.responseModel);
  const billing = res.billing;
  // a billed call that reported nothing to price: its cost is unknown, counted with the unpriced ones, never $0
  const unreported = res.usageExpected === true && u === undefined && billing?.units === undefined;
  const call = { provider: req.provider, model: req.model, responseModel, at: req.createdAt };
  let cost: { costUsd: number | null; priceKnown: boolean; costSource: string | null } = unreported ? unknownCost : priceCall(prices, { ...call, usage: u, billing });
  if (res.errorCode !== null && refusedUnsent.has(res.errorCode)) cost = { ...cost, costUsd: 0 };
  // a stream cut before its usage arrived (the client left, the upstream failed or timed out) still used tokens:
  // estimated, and labelled so; one that ended as the provider meant without usage stays unknown
  else if (cost.costUsd === null && u === undefined && req.streamed && res.status < 400 && res.errorCode !== null && res.streamedChunks !== undefined) {
    const estimate = cutStreamCost(prices, call, res.requestBytes ?? 0, res.streamedChunks);
    if (estimate !== undefined) cost = { ...cost, costUsd: estimate, costSource: "estimated" };
  }
  return {
    id: req.id,
    org_id: req.orgId,
    key_id: req.keyId,
    created_at: req.createdAt,
    endpoint: clipField(req.endpoint),
    provider: req.provider,
    provider_source: req.providerSource,
    provider_unknown: req.providerUnknown,
    model: req.model,
    response_model: responseModel ?? null,
    streamed: req.streamed,
    status: res.status,
    error_code: res.errorCode,
    latency_ms: round2(res.latencyMs),
    ttfb_ms: res.ttfbMs === null ? null : round2(res.ttfbMs),
    input_tokens: u ? u.inputTokens : null,
    output_tokens: u ? u.outputTokens : null,
    cached_input_tokens: u ? u.cachedInputTokens : null,
    reasoning_tokens: u ? u.reasoningTokens : null,
    cost_usd: cost.costUsd,
    price_known: cost.priceKnown,
    feature: req.tags.feature,
    task: req.tags.task,
    cache_write_tokens: u ? u.cacheWriteTokens : null,
    cache_write_1h_tokens: u?.cacheWrite1hTokens ?? null,
    cost_source: cost.costSource,
    upstream_request_id: res.upstreamRequestId === undefined ? null : clipField(res.upstreamRequestId),
    routing_rule_id: req.routing.ruleId,
    routed_from_model: req.routing.fromModel,
    routing_skipped: req.routing.skipped,
    billed_units: billing?.units?.count ?? null,
    price_basis: priceBasis(u, billing),
    usage_claim: billing?.claim === undefined ? null : clipField(billing.claim),
  };
}

/**
 * What the cost was computed from when the token columns alone do not say it (re-costing leaves
 * such events as they are): `batch`, `image_tokens`, `audio_tokens`, `per_image:<quality/size>`,
 * `per_second`; null for plain token prices.
 */
export function priceBasis(usage: Usage | undefined, billing: Billing | undefined): string | null {
  const units = billing?.units;
  if (units) return units.unit === "image" ? clipField(`per_image:${units.variant ?? ""}`) : "per_second";
  if (billing?.batch && usage) return "batch";
  if (usage?.imageInputTokens != null) return "image_tokens";
  if (usage?.audioInputTokens != null) return "audio_tokens";
  return null;
}

const unknownCost = { costUsd: null, priceKnown: false, costSource: "unpriced" } as const;

const round2 = (ms: number) => Math.round(ms * 100) / 100;
