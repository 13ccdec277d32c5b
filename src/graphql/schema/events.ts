/** The request log: recorded events, a page at a time. */
import { builder } from "../builder.ts";
import { Provider } from "./common.ts";
import { type StoredEvent, listEvents } from "../../db/events.ts";
import type { ProviderId } from "../../providers/types.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";

export const EventFilter = builder.inputType("EventFilter", {
  description: "Every field given must match (AND).",
  fields: (t) => ({
    id: t.id({ description: "One request, by its id (X-Lectr-Request-Id)." }),
    keyId: t.id({ description: "Sent with this org key (ApiKey.id)." }),
    from: t.field({ type: "DateTime", description: "Recorded at or after." }),
    to: t.field({ type: "DateTime", description: "Recorded before." }),
    provider: t.field({ type: Provider }),
    model: t.string({ description: "The model the request named, exactly." }),
    feature: t.string(),
    task: t.string(),
    status: t.int(),
    errorsOnly: t.boolean({ description: "true: provider errors only (status ≥ 500, 429, upstream_timeout, upstream_unreachable). false or absent: no filter." }),
    providerUnknown: t.boolean(),
  }),
});

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
    priceKnown: t.exposeBoolean("price_known", { description: "Whether Lectr knows the model's price; false also for a successful, billed call that reported no usage to price (its cost is unknown)." }),
    cacheWriteTokens: t.exposeInt("cache_write_tokens", { nullable: true, description: "Cache writes, a part of inputTokens." }),
    cacheWrite1hTokens: t.exposeInt("cache_write_1h_tokens", { nullable: true, description: "Of cacheWriteTokens, the writes to Anthropic's 1-hour cache, priced at their own rate." }),
    keyId: t.exposeID("key_id", { description: "The org key that sent it (ApiKey.id)." }),
    upstreamRequestId: t.exposeString("upstream_request_id", { nullable: true, description: "The provider's own id for the call, to quote to the provider." }),
    routingRuleId: t.exposeID("routing_rule_id", { nullable: true, description: "The routing rule that matched it, routed or not." }),
    routedFromModel: t.exposeString("routed_from_model", { nullable: true, description: "The model the client asked for, when a routing rule changed it." }),
    routingSkipped: t.exposeString("routing_skipped", { nullable: true, description: "Why a matching rule was not applied, e.g. missing_provider_key." }),
    costSource: t.exposeString("cost_source", { nullable: true, description: "Where costUsd's price came from: registry, org_override or unpriced." }),
    billedUnits: t.exposeFloat("billed_units", { nullable: true, description: "Images made or seconds of audio, when the call is billed in those rather than tokens (priceBasis says which)." }),
    priceBasis: t.exposeString("price_basis", {
      nullable: true,
      description: "What costUsd was computed from beyond the token counts: batch, image_tokens, audio_tokens, per_image:<quality>/<size> or per_second; null for plain token prices.",
    }),
    usageClaim: t.exposeString("usage_claim", {
      nullable: true,
      description: "The provider object this call's usage belongs to (response:<id>, batch:<id>): one event per object carries its usage and cost, the others none.",
    }),
  }),
});

// EventEdge, PageInfo and EventConnection as relay defines them, declared in this order so the schema lists them so
const EventEdge = builder.edgeObject({ type: Event, name: "EventEdge" });
builder.pageInfoRef();
export const EventConnection = builder.connectionObject(
  { type: Event, name: "EventConnection", description: "A page of events, newest first.", edgesField: { complexity: { field: 1, multiplier: 1 } } },
  EventEdge,
);

/** The largest page `first` may ask for. */
const maxFirst = 500;

builder.queryField("events", (t) =>
  t.field({
    type: EventConnection,
    description: `Recorded requests, newest first, a page at a time (at most ${maxFirst}).`,
    args: {
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      filter: t.arg({ type: EventFilter }),
      orgId: t.arg.id(),
    },
    // each of the `first` edges costs what it selects (EventConnection.edges does not multiply again)
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? 50) }),
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const first = args.first ?? 50;
      if (first < 0 || first > maxFirst) throw badInput(`first must be between 0 and ${maxFirst}.`);
      const after = args.after == null ? undefined : decodeCursor(args.after);
      if (args.after != null && !after) throw badInput("after is not a cursor from this API.");
      // one row more than asked tells whether there is a next page
      const rows = await listEvents(ctx.deps.db, { orgId, limit: first + 1, after, filter: args.filter ?? undefined });
      const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor({ createdAt: node.created_at, id: node.id }) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: rows.length > first,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);
