/**
 * What happens after a request's event is built, besides recording it: the
 * request log line, the metrics, the trace span, and the loud warning for a
 * model without a price. Called once per authenticated request.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger } from "../lib/log.ts";
import type { ProviderId } from "../providers/types.ts";
import type { LectrMetrics, RequestTimings } from "./metrics.ts";
import type { TraceContext, Tracer } from "./trace.ts";

export interface Observer {
  request(event: EventRow, timings: RequestTimings, extra: { trace?: TraceContext; upstreamRequestId?: string }): void;
  authFailure(reason: string): void;
  /** Tracing on: the request path starts a context and forwards traceparent. */
  tracing: boolean;
}

const hourMs = 3_600_000;

export function createObserver(opts: { log: Logger; metrics?: LectrMetrics; tracer?: Tracer }): Observer {
  const { log, metrics, tracer } = opts;
  const warnedAt = new Map<string, number>();

  /** Once per model per hour, so a busy unpriced model is loud without flooding. */
  const warnUnpriced = (e: EventRow) => {
    const key = `${e.provider}\u0000${e.response_model ?? e.model}`;
    const last = warnedAt.get(key);
    if (last !== undefined && e.created_at - last < hourMs) return;
    if (warnedAt.size > 10_000) warnedAt.clear();
    warnedAt.set(key, e.created_at);
    log.warn("model has no price: its cost is recorded as unknown", { provider: e.provider, model: e.model, response_model: e.response_model });
  };

  return {
    tracing: tracer !== undefined,
    request(e, timings, extra) {
      metrics?.request(e, timings);
      if (!e.price_known && e.model !== "" && e.status < 400) warnUnpriced(e);
      if (log.enabled("info")) {
        log.info("request", {
          id: e.id,
          org_id: e.org_id,
          provider: e.provider,
          model: e.model,
          endpoint: e.endpoint,
          status: e.status,
          error_code: e.error_code,
          streamed: e.streamed,
          latency_ms: e.latency_ms,
          ttfb_ms: e.ttfb_ms,
          input_tokens: e.input_tokens,
          output_tokens: e.output_tokens,
          cost_usd: e.cost_usd,
          upstream_request_id: extra.upstreamRequestId,
        });
      }
      if (tracer && extra.trace) {
        tracer.end({
          ctx: extra.trace,
          startMs: e.created_at,
          endMs: e.created_at + e.latency_ms,
          provider: e.provider as ProviderId,
          endpoint: e.endpoint,
          model: e.model,
          responseModel: e.response_model ?? null,
          status: e.status,
          errorCode: e.error_code ?? null,
          inputTokens: e.input_tokens ?? null,
          outputTokens: e.output_tokens ?? null,
          eventId: e.id,
          streamed: e.streamed,
        });
      }
    },
    authFailure(reason) {
      metrics?.authFailure(reason);
      log.warn("org key refused", { reason });
    },
  };
}
