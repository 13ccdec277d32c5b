/**
 * The request path, top to bottom: authenticate → read tags and body →
 * choose provider → forward → tap the response → record one event.
 * Every authenticated request ends in exactly one `finish` call.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../lib/log.ts";
import { errorResponse, httpError, type ProxyError } from "../lib/errors.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { PriceBooks } from "../pricing/price-books.ts";
import { chooseProvider } from "../providers/detect.ts";
import { providers } from "../providers/index.ts";
import type { Authenticator } from "./auth.ts";
import { checkEndpointShape } from "./azure-endpoint.ts";
import { guardHost } from "./host-guard.ts";
import { inspectBody, readBody, rewriteBody } from "./body.ts";
import { buildEvent, type RequestFacts, type ResponseFacts } from "./event.ts";
import { createDeadline, forward, type ForwardFailure } from "./forward.ts";
import { clientHeaders, upstreamHeaders } from "./headers.ts";
import type { Recorder } from "../record/recorder.ts";
import { parseTags } from "./tags.ts";
import { respond } from "./respond.ts";
import type { Observer } from "../observe/observer.ts";
import type { FailureLimiter } from "./auth-limit.ts";
import type { RulesCache } from "../routing/cache.ts";
import { applyRouting } from "./routing.ts";
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

const failureStatus: Record<ForwardFailure, number> = {
  upstream_unreachable: 502,
  upstream_timeout: 504,
  // nginx's convention for "client closed request"; nobody is left to read it
  client_aborted: 499,
};

/** Path and query of a request URL without building a URL object (the runtime gives absolute URLs). */
export function splitUrl(url: string): { path: string; search: string } {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  return q < 0 ? { path: url.slice(start), search: "" } : { path: url.slice(start, q), search: url.slice(q) };
}

export function createProxy(deps: ProxyDeps): (request: Request, clientIp: () => string) => Promise<Response> {
  const { config, auth, recorder, prices, log, observer } = deps;

  return async function handleProxy(request, clientIp) {
    const startedAt = performance.now();
    const createdAt = Date.now();
    const { path, search } = splitUrl(request.url);

    // the peer address is looked up only while some address has failures on record
    const blockedMs = deps.limiter.active() ? deps.limiter.blockedFor(clientIp(), createdAt) : 0;
    if (blockedMs > 0) {
      const retryAfterS = Math.ceil(blockedMs / 1000);
      return errorResponse({ kind: "too_many_auth_failures", retryAfterS }, { "retry-after": String(retryAfterS) });
    }
    const principal = await auth.authenticate(request.headers.get("x-lectr-key"));
    if (!principal.ok) {
      deps.limiter.fail(clientIp(), createdAt);
      observer.authFailure(principal.error.reason);
      return errorResponse(principal.error);
    }

    deps.inflight.enter();
    const id = uuidv7(createdAt);
    const req: RequestFacts = {
      id,
      orgId: principal.value.orgId,
      keyId: principal.value.keyId,
      createdAt,
      endpoint: path,
      provider: "openai",
      providerSource: "default",
      providerUnknown: true,
      model: "",
      streamed: false,
      tags: { feature: null, task: null },
      routing: { ruleId: null, fromModel: null, skipped: null },
    };
    const lectrHeaders = () => ({ "x-lectr-request-id": id, "x-lectr-provider": req.provider });
    const trace = observer.tracing ? startContext(request.headers.get("traceparent")) : undefined;
    // for the overhead metric: Lectr's time is before forwarding and between the upstream's answer and ours
    let forwardAt = 0;
    let headersAt = 0;
    let returnedAt = 0;
    let upstreamRequestId: string | undefined;

    let held: Admission | undefined;
    let finished = false;
    /** Records the request's one event; returns its cost (null: unknown), undefined when already recorded. */
    const finish = (res: Omit<ResponseFacts, "latencyMs">): number | null | undefined => {
      if (finished) return undefined;
      finished = true;
      const endAt = performance.now();
      const built = buildEvent(req, { ...res, latencyMs: endAt - startedAt, upstreamRequestId }, prices.forOrg(req.orgId));
      const event = deps.budgets.settle(held, built, res.streamedChunks);
      recorder.record(event);
      deps.inflight.leave();
      const forwarded = forwardAt > 0;
      observer.request(
        event,
        {
          addedMs: forwarded ? forwardAt - startedAt + Math.max(0, (returnedAt || endAt) - (headersAt || endAt)) : endAt - startedAt,
          upstreamMs: forwarded ? endAt - forwardAt : null,
        },
        { trace, upstreamRequestId },
      );
      return event.cost_usd ?? null;
    };
    const reject = (error: ProxyError, headers?: Record<string, string>) => {
      const e = httpError(error);
      finish({ status: e.status, errorCode: e.code, ttfbMs: null, usage: undefined, responseModel: undefined });
      return Response.json(e.body, { status: e.status, headers: { ...headers, ...lectrHeaders() } });
    };

    /** The client went away before any response: nobody reads this one. */
    const clientLeft = () => {
      finish({ status: 499, errorCode: "client_aborted", ttfbMs: null, usage: undefined, responseModel: undefined });
      return new Response(null, { status: 499 });
    };

    try {
      const tags = parseTags(request.headers.get("x-lectr-feature"), request.headers.get("x-lectr-task"));
      if (!tags.ok) return reject(tags.error);
      req.tags = tags.value;

      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const body = hasBody ? await readBody(request, config.maxBodyBytes) : undefined;
      if (body && !body.ok) {
        if (body.error.kind === "client_aborted") return clientLeft();
        return reject(body.error);
      }
      const bytes = body?.value;
      const facts = bytes ? inspectBody(bytes) : undefined;
      req.model = facts?.model ?? "";
      req.streamed = facts?.stream ?? false;

      const choice = chooseProvider(request.headers.get("x-lectr-provider"), req.model);
      if (!choice.ok) return reject(choice.error);
      req.provider = choice.value.provider;
      req.providerSource = choice.value.source;
      req.providerUnknown = choice.value.unknown;
      // The org's rules may send this request to another model (and provider): before anything provider-specific.
      const routed = applyRouting(deps.rules.forOrg(req.orgId), req, request.headers);
      const provider = providers[req.provider];
      const admitted = deps.budgets.admit(req, facts?.json, bytes?.byteLength ?? 0);
      if (!admitted.ok) return reject(admitted.error, admitted.headers);
      held = admitted.value;

      let base: string;
      let apiVersion: string | undefined;
      if (provider.id === "azure") {
        const azure = principal.value.azure;
        if (!azure) return reject({ kind: "azure_endpoint_not_configured" });
        const endpoint = checkEndpointShape(azure.endpoint, config.allowPrivateUpstreams);
        if (!endpoint.ok) return reject(endpoint.error);
        if (!config.allowPrivateUpstreams) {
          const guard = await guardHost(new URL(endpoint.value).hostname);
          if (!guard.ok) return reject({ kind: "azure_endpoint_refused", reason: guard.reason });
        }
        base = endpoint.value;
        apiVersion = azure.apiVersion;
      } else {
        base = config.baseUrls[provider.id];
      }

      // Ask for streamed usage where the provider otherwise omits it; the extra chunk is dropped on the way back.
      const inject = provider.injectStreamUsage && facts?.json !== undefined && facts.stream && !facts.clientWantsUsage;
      const upstreamBody = inject || routed ? rewriteBody(facts!.json!, { model: req.model, streamUsage: inject }) : bytes;
      const target = provider.url({ base, path: path.slice(3), search, model: req.model, apiVersion });

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
        return reject({ kind: sent.error });
      }
      const upstream = sent.value;
      upstreamRequestId = upstream.headers.get("x-request-id") ?? upstream.headers.get("request-id") ?? undefined;
      if (upstream.status >= 400) log.warn("upstream error", { id, provider: req.provider, model: req.model, status: upstream.status });
      const response = await respond(upstream, {
        provider,
        injected: inject,
        deadline,
        idleTimeoutMs: config.streamIdleTimeoutMs,
        headers: clientHeaders(upstream.headers, lectrHeaders()),
        startedAt,
        upstreamDone: () => void (headersAt = performance.now()),
        finish,
      });
      returnedAt = performance.now();
      return response;
    } catch (err) {
      // Unexpected: record it as Lectr's own 500 so the event count stays exact, then let onError mask it.
      finish({ status: 500, errorCode: "internal_error", ttfbMs: null, usage: undefined, responseModel: undefined });
      throw err;
    }
  };
}
