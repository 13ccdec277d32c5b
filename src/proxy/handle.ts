/**
 * The request path, top to bottom: authenticate → read tags and body →
 * choose provider → route → forward → tap the response → record one event.
 * Each step returns new facts; the response path hands back the response and
 * one promise of its outcome, and `record` is called once, when it settles.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../lib/log.ts";
import { errorResponse, httpError, shapedBody, type ProxyError } from "../http/errors.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { PriceBooks } from "../pricing/price-book-cache.ts";
import { chooseForPath, servingProviders } from "../providers/detect.ts";
import { matchPath } from "../providers/surfaces.ts";
import { providers } from "../providers/index.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import { mayProxy } from "../lib/scopes.ts";
import { checkEndpointShape } from "../egress/azure-endpoint.ts";
import { guardHost } from "../egress/host-guard.ts";
import { readBody } from "../http/read-body.ts";
import { inspectBody, rewriteBody } from "./body.ts";
import { buildEvent, type Outcome, type RequestFacts } from "./event.ts";
import { createDeadline, forward } from "./forward.ts";
import { clientHeaders, dropCredentialParams, providerQuery, upstreamHeaders } from "./headers.ts";
import type { Recorder } from "../record/recorder.ts";
import { parseTags } from "../lib/tags.ts";
import { formatUsd, respond, settled, type Answer } from "./respond.ts";
import { clipField, maxFieldLength } from "./event.ts";
import type { Observer } from "../observe/observer.ts";
import type { FailureLimiter } from "../auth/failure-limiter.ts";
import type { RulesCache } from "../routing/cache.ts";
import { applyRule } from "./apply-rule.ts";
import { createClaimMemory } from "./claims.ts";
import { childTraceparent, startContext } from "../observe/trace.ts";
import type { Budgets } from "../budgets/budgets.ts";
import type { Admission } from "../budgets/guard.ts";

export interface ProxyDeps {
  config: Config;
  auth: Authenticator;
  recorder: Recorder;
  /** Each org's prices (overrides, Azure deployments, the registry), in memory. */
  prices: PriceBooks;
  log: Logger;
  observer: Observer;
  limiter: FailureLimiter;
  rules: RulesCache;
  /** Budgets and rate limits: checked before forwarding, settled when the event is built. */
  budgets: Pick<Budgets, "admit" | "settle">;
  inflight: { enter(): void; leave(): void };
}

/** Path and query of a request URL without building a URL object (the runtime gives absolute URLs). */
export function splitUrl(url: string): { path: string; search: string } {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  return q < 0 ? { path: url.slice(start), search: "" } : { path: url.slice(start, q), search: url.slice(q) };
}

export function createProxy(deps: ProxyDeps): (request: Request, clientIp: () => string) => Promise<Response> {
  const { config, auth, recorder, prices, log, observer } = deps;
  const claims = createClaimMemory();

  return async function handleProxy(request, clientIp) {
    const startedAt = performance.now();
    const createdAt = Date.now();
    const { path, search } = splitUrl(request.url);
    const matched = matchPath(path);
    if (!matched) return errorResponse({ kind: "not_found", path });
    const match = matched;
    // Lectr's own errors come in the envelope of the API that was called
    const shape = match.endpoint.errorShape;

    // the peer address is looked up only while some address has failures on record
    const blockedMs = deps.limiter.active() ? deps.limiter.blockedFor(clientIp(), createdAt) : 0;
    if (blockedMs > 0) {
      const retryAfterS = Math.ceil(blockedMs / 1000);
      return errorResponse({ kind: "too_many_auth_failures", retryAfterS }, { "retry-after": String(retryAfterS) }, shape);
    }
    const principal = await auth.authenticate(request.headers.get("x-lectr-key"));
    if (!principal.ok) {
      // an unreachable database is not the client's failed attempt
      if (principal.error.kind === "invalid_lectr_key") deps.limiter.fail(clientIp(), createdAt);
      observer.authFailure(principal.error.reason);
      return errorResponse(principal.error, undefined, shape);
    }

    const org = principal.value;
    deps.inflight.enter();
    const id = uuidv7(createdAt);
    const endpoint = match.endpoint;
    // Replaced, never changed, as the steps below learn more.
    let req: RequestFacts = {
      id,
      orgId: org.orgId,
      keyId: org.keyId,
      createdAt,
      endpoint: path,
      provider: endpoint.defaultProvider,
      providerSource: "default",
      providerUnknown: true,
      model: "",
      streamed: false,
      tags: { feature: null, task: null },
      routing: { ruleId: null, fromModel: null, skipped: null },
    };
    const lectrHeaders = (r: RequestFacts) => ({ "x-lectr-request-id": id, "x-lectr-provider": r.provider });
    const trace = observer.tracing ? startContext(request.headers.get("traceparent")) : undefined;
    // for the overhead metric: Lectr's time is before forwarding and between the upstream's answer and ours
    let forwardAt = 0;
    let headersAt = 0;
    let returnedAt = 0;
    let upstreamRequestId: string | undefined;

    let held: Admission | undefined;
    let requestBytes = 0;
    /** The one place an authenticated request's event is recorded. */
    const record = (facts: RequestFacts, o: Outcome) => {
      const endAt = performance.now();
      const upstreamDoneAt = o.upstreamDoneAt;
      // the outcome's own fields plus the timing: buildEvent reads only the facts it knows
      const event = claims.settle(buildEvent(facts, { ...o, latencyMs: endAt - startedAt, upstreamRequestId, requestBytes }, prices.forOrg(facts.orgId)));
      // a budget's reservation settles to the event's cost
      deps.budgets.settle(held, event);
      recorder.record(event);
      deps.inflight.leave();
      const forwarded = forwardAt > 0;
      const answeredAt = upstreamDoneAt ?? headersAt;
      observer.request(
        event,
        {
          addedMs: forwarded ? forwardAt - startedAt + Math.max(0, (returnedAt || endAt) - (answeredAt || endAt)) : endAt - startedAt,
          upstreamMs: forwarded ? endAt - forwardAt : null,
        },
        { trace, upstreamRequestId },
      );
      return event;
    };
    const failed = (status: number, errorCode: string): Outcome => ({ status, errorCode, ttfbMs: null, usage: undefined, responseModel: undefined });
    const reject = (facts: RequestFacts, error: ProxyError, headers?: Record<string, string>): Answer => {
      const e = httpError(error);
      return settled(Response.json(shapedBody(e, shape), { status: e.status, headers: { ...headers, ...lectrHeaders(facts) } }), failed(e.status, e.code));
    };
    /** The client went away before any response: nobody reads this one. */
    const clientLeft = (): Answer => settled(new Response(null, { status: 499 }), failed(499, "client_aborted"));

    let answer: Answer;
    try {
      answer = await proceed();
    } catch (err) {
      // Unexpected: record it as Lectr's own 500 so the event count stays exact, then let onError mask it.
      record(req, failed(500, "internal_error"));
      throw err;
    }
    const facts = req;
    const recorded = answer.outcome.then((o) => record(facts, o));
    if (answer.whole) {
      // The whole body was read before answering, so the cost is known before the first byte: say it, when known.
      const event = await recorded;
      // A read of an object counted once (a response or batch read back) is priced only if no other replica counted it
      // first, which the database decides after the answer: its header would be a guess, so it has none.
      const decided = event.usage_claim === null || request.method !== "GET";
      if (typeof event.cost_usd === "number" && decided) answer.response.headers.set("x-lectr-cost-usd", formatUsd(event.cost_usd));
    } else {
      recorded.catch((err: unknown) => log.error("recording failed", { id, error: String(err) }));
    }
    returnedAt = performance.now();
    return answer.response;

    async function proceed(): Promise<Answer> {
      // a read-only key is authenticated, so its refusal is recorded like any other
      if (!mayProxy(org.scope)) return reject(req, { kind: "insufficient_scope", scope: org.scope });
      const tags = parseTags(request.headers.get("x-lectr-feature"), request.headers.get("x-lectr-task"));
      if (!tags.ok) return reject(req, tags.error);
      req = { ...req, tags: tags.value };

      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const body = hasBody ? await readBody(request, config.maxBodyBytes, config.bodyTimeoutMs) : undefined;
      if (body && !body.ok) {
        if (body.error.kind === "client_aborted") return clientLeft();
        return reject(req, body.error);
      }
      const bytes = body?.value;
      requestBytes = bytes?.byteLength ?? 0;
      const facts = bytes ? inspectBody(bytes, request.headers.get("content-type")) : undefined;
      // a model the path names (Gemini's models/{m}, Azure's deployment) is the request's model
      const model = match.model ?? facts?.model ?? "";
      req = { ...req, model: clipField(model), streamed: match.stream ?? facts?.stream ?? false };
      // Recorded, logged and labelled: a model id is short, so a long one is refused (and stored cut).
      if (model.length > maxFieldLength) return reject(req, { kind: "invalid_model", length: model.length, limit: maxFieldLength });

      // pinned: only a provider that serves this path, so no key ever reaches a provider it was not meant for
      const choice = chooseForPath(match, request.headers.get("x-lectr-provider"), req.model, request.headers);
      if (!choice.ok) {
        const e = choice.error;
        if (e.kind === "invalid_provider") return reject(req, e);
        // recorded under the provider the request named, which is the one refused
        req = { ...req, provider: e.provider, providerSource: "detected", providerUnknown: false };
        return reject(req, { ...e, path });
      }
      req = { ...req, provider: choice.value.provider, providerSource: choice.value.source, providerUnknown: choice.value.unknown };
      // The org's rules may send this request to another model (and provider): before anything provider-specific.
      // Only where Lectr may change the body: elsewhere it reaches the provider as the client sent it.
      // A model named by the path stays: the path is what the client called.
      let routed = endpoint.mayTouchBody && match.model === undefined ? applyRule(deps.rules.forOrg(req.orgId), req, request.headers) : undefined;
      // a rule never moves a request to a provider that does not serve its path: it is sent as asked
      if (routed && !servingProviders(match).includes(routed.req.provider)) {
        req = { ...req, routing: { ruleId: routed.req.routing.ruleId, fromModel: null, skipped: "provider_not_served" } };
        routed = undefined;
      }
      if (routed) req = routed.req;
      const provider = providers[req.provider];
      // budgets and rate limits, on every route: from memory, never waiting on the database
      const admitted = deps.budgets.admit(req, facts?.json, requestBytes, request.method);
      if (!admitted.ok) return reject(req, admitted.error, admitted.headers);
      held = admitted.value;

      let base: string;
      let apiVersion: string | undefined;
      if (provider.upstream.from === "org") {
        const azure = org.azure;
        if (!azure) return reject(req, { kind: "azure_endpoint_not_configured" });
        const endpointUrl = checkEndpointShape(azure.endpoint, config.allowPrivateUpstreams);
        if (!endpointUrl.ok) return reject(req, endpointUrl.error);
        if (!config.allowPrivateUpstreams) {
          const guard = await guardHost(new URL(endpointUrl.value).hostname);
          if (!guard.ok) return reject(req, { kind: "azure_endpoint_refused", reason: guard.reason });
        }
        base = endpointUrl.value;
        apiVersion = azure.apiVersion;
      } else {
        // loadConfig sets a base for every provider whose upstream comes from configuration
        base = config.baseUrls[provider.id]!;
      }

      // Ask for streamed usage where the endpoint and provider need it; the extra chunk is dropped on the way back.
      const inject =
        endpoint.streamUsageOption && provider.injectStreamUsage && facts?.json !== undefined && facts.stream && !facts.clientWantsUsage;
      const upstreamBody = inject || routed?.changed ? rewriteBody(facts!.json!, { model: req.model, streamUsage: inject }) : bytes;
      // a request moved to another provider keeps none of the source provider's credentials, also not in the query;
      // any other request keeps only the forms its provider takes
      const query = routed?.providerKey !== undefined ? dropCredentialParams(search) : providerQuery(search, provider);
      const target = provider.url({ base, surface: match.surface, path: match.path, deployment: match.deployment, search: query, model: req.model, apiVersion });

      const headers = upstreamHeaders(request.headers, provider, routed?.providerKey);
      if (trace) headers.set("traceparent", childTraceparent(trace));
      const deadline = createDeadline(request.signal, config.upstreamTimeoutMs);
      forwardAt = performance.now();
      const sent = await forward(target, { method: request.method, headers, body: upstreamBody }, deadline);
      headersAt = performance.now();
      if (!sent.ok) {
        deadline.clear();
        if (sent.error === "client_aborted") return clientLeft();
        log.warn("upstream failed", { id, provider: req.provider, error: sent.error });
        return reject(req, { kind: sent.error });
      }
      const upstream = sent.value;
      if (upstream.status < 200 || upstream.status > 599) {
        // A Response cannot carry such a status; the client gets Lectr's 502, and the event says why.
        deadline.clear();
        upstream.body?.cancel().catch(() => {});
        log.warn("upstream status out of range", { id, provider: req.provider, status: upstream.status });
        return reject(req, { kind: "upstream_invalid_status", status: upstream.status });
      }
      upstreamRequestId = upstream.headers.get("x-request-id") ?? upstream.headers.get("request-id") ?? undefined;
      if (upstream.status >= 400) log.warn("upstream error", { id, provider: req.provider, model: req.model, status: upstream.status });
      return respond(upstream, {
        provider,
        endpoint,
        injected: inject,
        deadline,
        idleTimeoutMs: config.streamIdleTimeoutMs,
        headers: clientHeaders(upstream.headers, lectrHeaders(req)),
        startedAt,
        request: { json: facts?.json, model: req.model },
      });
    }
  };
}
