import { builder } from "../builder.ts";
import type { StoredEvent } from "../../db/events.ts";
import type { ProviderId } from "../../providers/types.ts";
import { Provider } from "./provider.ts";

export const Event = builder.objectRef<StoredEvent>("Event").implement({
  description: "One proxied request, as recorded.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The request id (X-Lectr-Request-Id), a UUIDv7." }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    provider: t.field({ type: Provider, resolve: (e) => e.provider as ProviderId }),
    providerSource: t.exposeString("provider_source", { description: "How the provider was chosen: header, detected or default." }),
    providerUnknown: t.exposeBoolean("provider_unknown", { description: "True when the model matched no known provider and the default was used." }),
    model: t.exposeString("model", { description: "The model the request named (for Azure, the deployment)." }),
    responseModel: t.exposeString("response_model", { nullable: true }),
    endpoint: t.exposeString("endpoint"),
    streamed: t.exposeBoolean("streamed"),
    status: t.exposeInt("status"),
    errorCode: t.exposeString("error_code", { nullable: true }),
    latencyMs: t.exposeFloat("latency_ms"),
    ttfbMs: t.exposeFloat("ttfb_ms", { nullable: true }),
    inputTokens: t.exposeInt("input_tokens", { nullable: true }),
    outputTokens: t.exposeInt("output_tokens", { nullable: true }),
    cachedInputTokens: t.exposeInt("cached_input_tokens", { nullable: true }),
    reasoningTokens: t.exposeInt("reasoning_tokens", { nullable: true }),
    costUsd: t.exposeFloat("cost_usd", { nullable: true }),
    feature: t.exposeString("feature", { nullable: true }),
    task: t.exposeString("task", { nullable: true }),
    priceKnown: t.exposeBoolean("price_known", { description: "Whether Lectr knows the model's price." }),
    cacheWriteTokens: t.exposeInt("cache_write_tokens", { nullable: true, description: "Cache writes, a part of inputTokens." }),
    keyId: t.exposeID("key_id", { description: "The org key that sent it (ApiKey.id)." }),
    upstreamRequestId: t.exposeString("upstream_request_id", { nullable: true, description: "The provider's own id for the call, to quote to the provider." }),
    routingRuleId: t.exposeID("routing_rule_id", { nullable: true, description: "The routing rule that matched it, routed or not." }),
    routedFromModel: t.exposeString("routed_from_model", { nullable: true, description: "The model the client asked for, when a routing rule changed it." }),
    routingSkipped: t.exposeString("routing_skipped", { nullable: true, description: "Why a matching rule was not applied, e.g. missing_provider_key." }),
    costSource: t.exposeString("cost_source", { nullable: true, description: "Where costUsd's price came from: registry, org_override or unpriced." }),
  }),
});
