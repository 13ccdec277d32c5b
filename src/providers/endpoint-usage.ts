/**
 * Usage and response model of any endpoint, read by the rules of its row in endpoints.ts (pure).
 * OpenAI-shaped endpoints use the provider's chat extractor (usage.ts); the others map their
 * token fields as their row declares.
 */
import type { Endpoint, TokenFields } from "./endpoints.ts";
import type { ProviderId, Usage } from "./types.ts";
import { foldStreamChunk, usageFromBody } from "./usage.ts";

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    const o = asObject(v);
    if (o === undefined) return undefined;
    v = o[key];
  }
  return v;
}

/** A reported count, or undefined for anything missing, negative, fractional or absurd. */
function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const field = (usage: Json, path: string | undefined): number | undefined => (path === undefined ? undefined : count(at(usage, path.split("."))));

/**
 * A usage object mapped to the event's columns; undefined without input and output counts.
 * A count the endpoint never reports, or this response left out, is null, never 0.
 */
export function mapTokens(fields: TokenFields, usage: Json): Usage | undefined {
  const base = field(usage, fields.input);
  if (base === undefined) return undefined;
  // where zeros are left out, a usage object with its input count says every missing count is 0
  const read = (path: string | undefined) => field(usage, path) ?? (fields.omitsZeros && path !== undefined ? 0 : undefined);
  const sum = (first: number | undefined, more: readonly string[] = []) =>
    first === undefined ? undefined : more.reduce((total, path) => total + (field(usage, path) ?? 0), first);
  const input = sum(base, fields.inputAlso);
  const output = sum(read(fields.output), fields.outputAlso);
  if (input === undefined || output === undefined) return undefined;
  const cached = read(fields.cached);
  const written = read(fields.cacheWrite);
  const written1h = read(fields.cacheWrite1h);
  const reasoning = read(fields.reasoning);
  // Where the input count leaves the cache out, billed input is all three (Anthropic); else the parts are clamped into it.
  const inputTokens = fields.inputExcludesCache ? input + (cached ?? 0) + (written ?? 0) : input;
  const cachedInputTokens = cached === undefined ? null : Math.min(cached, inputTokens);
  const cacheWriteTokens = written === undefined ? null : Math.min(written, inputTokens - (cachedInputTokens ?? 0));
  const usageOut: Usage = {
    inputTokens,
    outputTokens: output,
    cachedInputTokens,
    cacheWriteTokens,
    reasoningTokens: reasoning === undefined ? null : Math.min(reasoning, output),
  };
  if (fields.cacheWrite1h !== undefined) usageOut.cacheWrite1hTokens = written1h === undefined ? null : Math.min(written1h, cacheWriteTokens ?? 0);
  return usageOut;
}

const modelAt = (value: unknown, path: readonly string[] | undefined): string | undefined => {
  const model = path && at(value, path);
  return typeof model === "string" && model !== "" ? model : undefined;
};

/** Usage and model of a whole JSON response body. */
export function readBodyUsage(endpoint: Endpoint, provider: ProviderId, body: unknown): { usage: Usage | undefined; responseModel: string | undefined } {
  const responseModel = modelAt(body, endpoint.model.json);
  if (endpoint.usage === "chat") return { usage: usageFromBody(provider, body), responseModel };
  const usage = asObject(at(body, endpoint.usage.json));
  return { usage: usage && mapTokens(endpoint.usage.fields, usage), responseModel };
}

/** Running state of one stream. `raw` merges the usage objects seen, field by field. */
export interface StreamState {
  usage: Usage | undefined;
  responseModel: string | undefined;
  raw: Json | undefined;
  /** An event of the row's `errorEvents` arrived. */
  failed: boolean;
}

export const initialStreamState = (): StreamState => ({ usage: undefined, responseModel: undefined, raw: undefined, failed: false });

/**
 * Folds one parsed SSE data object. The type is the data's own `type` (Responses and Messages
 * events carry it), else the `event:` field. Anthropic's message_delta repeats only the counts
 * that changed, so usage objects merge field by field (a null never erases a count); a chat usage
 * object is always whole, so the latest replaces the previous (usage.ts).
 */
export function foldEvent(endpoint: Endpoint, provider: ProviderId, state: StreamState, eventName: string | undefined, chunk: unknown): StreamState {
  if (endpoint.usage === "chat") {
    const folded = foldStreamChunk(provider, state, chunk);
    return folded === state ? state : { ...state, usage: folded.usage, responseModel: folded.responseModel };
  }
  const ownType = at(chunk, ["type"]);
  const type = typeof ownType === "string" ? ownType : eventName;
  // "*": every event (Gemini's frames carry no type)
  const rule = <T>(map: Readonly<Record<string, T>>): T | undefined => (type === undefined ? undefined : map[type]) ?? map["*"];
  const model = state.responseModel ?? modelAt(chunk, rule(endpoint.model.sse));
  const path = rule(endpoint.usage.sse);
  const reported = path && asObject(at(chunk, path));
  const failed = state.failed || (type !== undefined && endpoint.errorEvents.includes(type));
  if (!reported && model === state.responseModel && failed === state.failed) return state;
  let raw = state.raw;
  if (reported) {
    raw = { ...raw };
    for (const [key, value] of Object.entries(reported)) if (value !== null && value !== undefined) raw[key] = value;
  }
  return { usage: raw && mapTokens(endpoint.usage.fields, raw), responseModel: model, raw, failed };
}
