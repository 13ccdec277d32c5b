/**
 * Passes the upstream body to the client and reads usage from what passes.
 * The client gets the upstream bytes as they arrive; the one change is
 * dropping the usage-only chunk that Lectr itself asked for.
 */
import { createSseParser, defaultMaxEventBytes, type SseEvent } from "./sse.ts";
import { isUsageOnlyChunk, mayCarryUsage } from "../providers/usage.ts";
import { foldEvent, initialStreamState, readBodyUsage, streamBilling, type StreamState } from "../providers/endpoint-usage.ts";
import type { Endpoint, RequestView } from "../providers/endpoints.ts";
import type { Billing, ProviderId, Usage } from "../providers/types.ts";
import type { BodyReading } from "../providers/object-usage.ts";
import { watchIdle, type Deadline, type ForwardFailure } from "./forward.ts";
import { streamBody } from "../runtime/stream-body.ts";
import { concatBytes } from "../lib/bytes.ts";

export interface TapOutcome {
  usage: Usage | undefined;
  responseModel: string | undefined;
  billing?: Billing | undefined;
  /** performance.now() when the first body byte went to the client. */
  firstByteAt: number | undefined;
  /** Why the body did not complete, if it did not. */
  failure: ForwardFailure | undefined;
  /** The provider reported an error inside a 200 stream (`event: error`, a `data: {"error":…}`, or an endpoint's failure event). */
  streamError: boolean;
  /** SSE data events that passed (about one token each): what a stream cut before its usage still used. */
  dataEvents: number;
}

/** Which usage rules apply: the endpoint's row and the provider serving it. */
export interface UsageSource {
  endpoint: Endpoint;
  provider: ProviderId;
  /** What the client sent, for readers that price by it (images by quality and size). */
  request?: RequestView | undefined;
}

export interface TapOptions extends UsageSource {
  sse: boolean;
  /** Lectr added include_usage: drop the usage-only chunk the client never asked for. */
  dropInjectedUsage: boolean;
  deadline: Deadline;
  /** End the body when the upstream sends nothing for this long (LECTR_STREAM_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  onEnd(outcome: TapOutcome): void;
}

/** Bodies beyond this are not parsed whole; usage is then read from the tail. */
const maxParsedBody = 8 * 1024 * 1024;
const tailBytes = 64 * 1024;
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const empty = new Uint8Array(0);

export type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * `prefix` holds chunks already read from `reader` (a body that turned out
 * too large to collect); they go out first.
 */
export function tapBody(reader: BodyReader, prefix: Uint8Array[], opts: TapOptions): ReadableStream<Uint8Array> {
  const observer = opts.sse ? sseObserver(opts) : jsonObserver(opts);
  let firstByteAt: number | undefined;
  let ended = false;
  const idle = watchIdle(opts.deadline, opts.idleTimeoutMs);
  const end = (failure: ForwardFailure | undefined) => {
    if (ended) return;
    ended = true;
    idle.stop();
    opts.deadline.clear();
    const seen = observer.finish();
    opts.onEnd({ ...seen, firstByteAt, failure });
  };
  // A client that leaves before reading anything may never cancel the stream; the signal still tells.
  opts.deadline.signal.addEventListener(
    "abort",
    () => {
      if (opts.deadline.reason() !== "client_aborted") return;
      reader.cancel().catch(() => {});
      end("client_aborted");
    },
    { once: true },
  );
  // What the client gets next (one chunk, or its parts around a dropped event), null at the end; throws when the body fails with no SSE error event to send.
  let closing = false;
  const next = async (): Promise<Uint8Array[] | null> => {
    if (closing) return null;
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        const pending = prefix.shift();
        result = pending ? { done: false, value: pending } : await reader.read();
      } catch {
        const failure = opts.deadline.reason() ?? "upstream_unreachable";
        end(failure);
        if (opts.sse && failure !== "client_aborted") {
          // End the stream in a shape SDKs surface as an error, instead of a cut connection.
          closing = true;
          return [encoder.encode(sseErrorEvent(failure, opts.endpoint))];
        }
        throw new Error(failure);
      }
      if (result.done) {
        const rest = observer.flush();
        closing = true;
        end(undefined);
        return rest.length > 0 ? rest : null;
      }
      idle.touch();
      const out = observer.push(result.value);
      if (out.length > 0) {
        firstByteAt ??= performance.now();
        return out;
      }
    }
  };
  return streamBody(next, () => {
    // The client went away: stop the upstream call and keep what was seen.
    opts.deadline.abort("client_aborted");
    reader.cancel().catch(() => {});
    end("client_aborted");
  });
}

export function sseErrorEvent(code: ForwardFailure, endpoint: Endpoint): string {
  const message =
    code === "upstream_timeout" ? "The provider stopped sending the stream in time." : "The connection to the provider broke mid-stream.";
  if (endpoint.streamError === "anthropic") {
    // https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
    return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message, code } })}\n\n`;
  }
  if (endpoint.streamError === "google") {
    // Google's SDKs raise a frame carrying Google's error object
    const status = code === "upstream_timeout" ? 504 : 502;
    return `data: ${JSON.stringify({ error: { code: status, message, status: code === "upstream_timeout" ? "DEADLINE_EXCEEDED" : "UNAVAILABLE" } })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: "api_error", code } })}\n\n`;
}

interface UsageWatcher {
  /** Bytes to send the client for this chunk, in parts (a dropped event leaves a gap; nothing is copied to close it). */
  push(chunk: Uint8Array): Uint8Array[];
  /** Bytes held back at the end of the stream. */
  flush(): Uint8Array[];
  finish(): BodyReading & { streamError: boolean; dataEvents: number };
}

/** Usage, model and billing from a whole non-streaming body. */
export function readJsonBody(source: UsageSource, bytes: Uint8Array): BodyReading {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch {
    return { usage: undefined, responseModel: undefined };
  }
  return readBodyUsage(source.endpoint, source.provider, body, source.request);
}

function jsonObserver(source: UsageSource): UsageWatcher {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tail = "";
  let overflow = false;
  return {
    push(chunk) {
      size += chunk.byteLength;
      if (!overflow && size > maxParsedBody) {
        overflow = true;
        chunks.length = 0;
      }
      if (overflow) tail = (tail + decoder.decode(chunk, { stream: true })).slice(-tailBytes);
      else chunks.push(chunk);
      return [chunk];
    },
    flush: () => [],
    finish() {
      if (overflow) return { usage: usageFromTail(source, tail), responseModel: undefined, streamError: false, dataEvents: 0 };
      return { ...readJsonBody(source, concatBytes(chunks, size)), streamError: false, dataEvents: 0 };
    },
  };
}

/** Usage is the last top-level object of OpenAI, Responses and Messages bodies: find it by brace matching. */
export function usageFromTail(source: UsageSource, tail: string): Usage | undefined {
  // usage counted once per object needs the object's id, which the tail may not hold: unknown rather than counted twice
  if (source.endpoint.claim) return undefined;
  const at = tail.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  const open = tail.indexOf("{", at);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < tail.length; i++) {
    const c = tail.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        // only the usage object: a reader that needs more of the body (an id to claim, images to count) finds none
        return readBodyUsage(source.endpoint, source.provider, { usage: JSON.parse(tail.slice(open, i + 1)) }, source.request).usage;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sseObserver(opts: TapOptions): UsageWatcher {
  const parser = createSseParser();
  let state: StreamState = initialStreamState();
  let streamError = false;
  let dataEvents = 0;
  // Drop mode only: bytes received but not yet sent, stream offsets [heldFrom, heldFrom + heldLength), in a
  // buffer that grows by doubling (appending is linear however the upstream splits its bytes).
  let held: Uint8Array = empty;
  let heldLength = 0;
  let heldFrom = 0;
  // Bytes before this offset went out unseen (an event past the bound): no event starting before it is dropped.
  let passedTo = 0;

  const hold = (chunk: Uint8Array) => {
    const needed = heldLength + chunk.byteLength;
    if (needed > held.byteLength) {
      const grown = new Uint8Array(Math.max(needed, held.byteLength * 2, 4096));
      grown.set(held.subarray(0, heldLength));
      held = grown;
    }
    held.set(chunk, heldLength);
    heldLength = needed;
  };

  const observe = (e: SseEvent): boolean => {
    if (e.event === "error") streamError = true;
    if (e.data === "" || e.data === "[DONE]") return false;
    dataEvents++;
    const needModel = state.responseModel === undefined;
    if (!needModel && !mayCarryUsage(e.data) && !e.data.includes('"error"')) return false;
    let chunk: unknown;
    try {
      chunk = JSON.parse(e.data);
    } catch {
      return false;
    }
    if (typeof chunk === "object" && chunk !== null && "error" in chunk) streamError = true;
    state = foldEvent(opts.endpoint, opts.provider, state, e.event, chunk);
    return opts.dropInjectedUsage && isUsageOnlyChunk(chunk);
  };

  /** The held bytes up to stream offset `upTo`, minus the dropped events. */
  const release = (upTo: number, dropped: SseEvent[]): Uint8Array[] => {
    const parts: Uint8Array[] = [];
    let from = heldFrom;
    for (const d of [...dropped, { start: upTo, end: upTo }]) {
      if (d.start > from) parts.push(held.subarray(from - heldFrom, d.start - heldFrom));
      from = d.end;
    }
    // The parts sent keep this buffer; what stays held (a partial event) moves to a new one.
    const rest = heldFrom + heldLength - upTo;
    held = rest > 0 ? held.slice(upTo - heldFrom, heldLength) : empty;
    heldLength = rest;
    heldFrom = upTo;
    return parts;
  };
  const droppable = (e: SseEvent) => observe(e) && e.start >= passedTo;

  return {
    push(chunk) {
      const events = parser.push(chunk);
      if (!opts.dropInjectedUsage) {
        for (const e of events) observe(e);
        return [chunk];
      }
      const dropped = events.filter(droppable);
      const last = events[events.length - 1];
      // The common case: nothing held, nothing dropped, the chunk ends on an event boundary. Pass it as it is.
      if (heldLength === 0 && dropped.length === 0 && last?.end === parser.offset) {
        heldFrom = parser.offset;
        return [chunk];
      }
      hold(chunk);
      // Only whole events go out in drop mode; a partial one waits for its end,
      if (last) return release(last.end, dropped);
      // unless it is past the parser's bound: never the usage chunk Lectr asked for, so it goes on as it comes.
      if (heldLength <= defaultMaxEventBytes) return [];
      passedTo = parser.offset;
      return release(parser.offset, []);
    },
    flush() {
      const events = parser.finish();
      const dropped = events.filter(droppable);
      return opts.dropInjectedUsage ? release(parser.offset, dropped) : [];
    },
    finish: () => ({
      usage: state.usage,
      responseModel: state.responseModel,
      billing: streamBilling(opts.endpoint, state),
      streamError: streamError || state.failed,
      dataEvents,
    }),
  };
}
