/**
 * OpenTelemetry spans for proxied calls, following the GenAI semantic
 * conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/), exported
 * as OTLP/HTTP JSON (https://opentelemetry.io/docs/specs/otlp/#otlphttp).
 * Only built when OTEL_EXPORTER_OTLP_ENDPOINT is set: with tracing off the
 * request path does not call into this file at all.
 */
import type { ProviderId } from "../providers/types.ts";
import { providers } from "../providers/index.ts";
import { endpoints } from "../providers/endpoints.ts";
import { matchPath } from "../providers/surfaces.ts";
import type { OtlpExport } from "../lib/otlp-env.ts";

const gzipText = (text: string) => new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();

export interface TraceContext {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  sampled: boolean;
}

const hex = (bytes: number) => {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
};

/** W3C Trace Context (https://www.w3.org/TR/trace-context/#traceparent-header). */
export function parseTraceparent(value: string | null): { traceId: string; parentId: string; flags: number } | undefined {
  const m = value?.trim().match(/^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/);
  if (!m || m[1] === "ff" || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
  return { traceId: m[2]!, parentId: m[3]!, flags: Number.parseInt(m[4]!, 16) };
}

/** Continue the client's trace, or start one. */
export function startContext(traceparent: string | null): TraceContext {
  const parent = parseTraceparent(traceparent);
  return {
    traceId: parent?.traceId ?? hex(16),
    spanId: hex(8),
    parentSpanId: parent?.parentId,
    sampled: parent ? (parent.flags & 1) === 1 : true,
  };
}

/** The traceparent sent upstream: same trace, Lectr's span as the parent. */
export function childTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled ? "01" : "00"}`;
}

/** `gen_ai.operation.name` of a proxied path, from its row. */
export function operationOf(endpoint: string): string {
  return (matchPath(endpoint)?.endpoint ?? endpoints.other).operation;
}

export interface SpanFacts {
  ctx: TraceContext;
  startMs: number; // epoch ms
  endMs: number;
  provider: ProviderId;
  endpoint: string;
  model: string;
  responseModel: string | null;
  status: number;
  errorCode: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  eventId: string;
  streamed: boolean;
}

type AttrValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };
const attr = (key: string, v: string | number | boolean): { key: string; value: AttrValue } => ({
  key,
  value: typeof v === "string" ? { stringValue: v } : typeof v === "number" ? { intValue: String(Math.round(v)) } : { boolValue: v },
});

/** One OTLP JSON span. Pure, so the attribute mapping is table-testable. */
export function toOtlpSpan(f: SpanFacts) {
  const op = operationOf(f.endpoint);
  const attributes = [
    attr("gen_ai.system", providers[f.provider].telemetryName),
    attr("gen_ai.operation.name", op),
    attr("gen_ai.request.model", f.model),
    attr("http.response.status_code", f.status),
    attr("lectr.event_id", f.eventId),
    attr("lectr.streamed", f.streamed),
  ];
  if (f.responseModel) attributes.push(attr("gen_ai.response.model", f.responseModel));
  if (f.inputTokens !== null) attributes.push(attr("gen_ai.usage.input_tokens", f.inputTokens));
  if (f.outputTokens !== null) attributes.push(attr("gen_ai.usage.output_tokens", f.outputTokens));
  if (f.errorCode) attributes.push(attr("error.type", f.errorCode));
  return {
    traceId: f.ctx.traceId,
    spanId: f.ctx.spanId,
    ...(f.ctx.parentSpanId ? { parentSpanId: f.ctx.parentSpanId } : {}),
    name: f.model ? `${op} ${f.model}` : op,
    kind: 3, // SPAN_KIND_CLIENT: Lectr calls the provider on the client's behalf
    startTimeUnixNano: `${Math.round(f.startMs * 1e6)}`,
    endTimeUnixNano: `${Math.round(f.endMs * 1e6)}`,
    attributes,
    status: f.errorCode || f.status >= 500 ? { code: 2, message: f.errorCode ?? String(f.status) } : { code: 0 },
  };
}

export interface Tracer {
  end(facts: SpanFacts): void;
  flush(): Promise<void>;
}

/** Batches spans and posts them every second (or at 512), off the request path. */
export function createOtlpTracer(target: OtlpExport, serviceName: string, version: string, onError: (e: unknown) => void): Tracer {
  const resource = [
    ...Object.entries(target.resourceAttributes).filter(([k]) => k !== "service.name" && k !== "service.version").map(([k, v]) => attr(k, v)),
    attr("service.name", serviceName),
    attr("service.version", version),
  ];
  let spans: ReturnType<typeof toOtlpSpan>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (spans.length === 0) return;
    const batch = spans;
    spans = [];
    const body = {
      resourceSpans: [
        {
          resource: { attributes: resource },
          scopeSpans: [{ scope: { name: "lectr", version }, spans: batch }],
        },
      ],
    };
    try {
      const json = JSON.stringify(body);
      const gzip = target.compression === "gzip";
      const res = await fetch(target.tracesUrl, {
        method: "POST",
        headers: { ...target.headers, "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) },
        body: gzip ? await gzipText(json) : json,
        signal: AbortSignal.timeout(target.timeoutMs),
      });
      await res.arrayBuffer();
      if (!res.ok) onError(new Error(`OTLP export answered ${res.status}`));
    } catch (e) {
      onError(e);
    }
  };
  return {
    end(facts) {
      if (!facts.ctx.sampled) return;
      spans.push(toOtlpSpan(facts));
      if (spans.length >= 512) void flush();
      else timer ??= setTimeout(() => void flush(), 1_000);
    },
    flush,
  };
}
