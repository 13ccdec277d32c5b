/**
 * Usage and response model of any endpoint, read by the rules of its row in endpoints.ts (pure).
 * OpenAI-shaped endpoints use the provider's chat extractor (usage.ts); the others map their
 * token fields as their row declares.
 */
import type { Endpoint, RequestView } from "./endpoints.ts";
import type { Billing, ProviderId, Usage } from "./types.ts";
import { foldStreamChunk, usageFromBody } from "./usage.ts";
import { asObject, at, mapTokens, type Json } from "./token-fields.ts";
import type { BodyReading } from "./object-usage.ts";

export { mapTokens } from "./token-fields.ts";

const modelAt = (value: unknown, path: readonly string[] | undefined): string | undefined => {
  const model = path && at(value, path);
  return typeof model === "string" && model !== "" ? model : undefined;
};

/** The claim of a reported usage: the object's kind and id (`response:resp_…`); none without usage or an id. */
function claimOf(endpoint: Endpoint, id: unknown, reading: BodyReading): Billing | undefined {
  const reported = reading.usage !== undefined || reading.billing?.units !== undefined;
  if (!endpoint.claim || !reported) return reading.billing;
  if (typeof id !== "string" || id === "") return reading.billing;
  return { ...reading.billing, claim: `${endpoint.claim.kind}:${id}` };
}

/** Usage, model and billing of a whole JSON response body; `request` is what the client sent (for per-image prices). */
export function readBodyUsage(endpoint: Endpoint, provider: ProviderId, body: unknown, request?: RequestView): BodyReading {
  const responseModel = modelAt(body, endpoint.model.json);
  if (endpoint.usage === "none") return { usage: undefined, responseModel };
  if (endpoint.usage === "chat") return { usage: usageFromBody(provider, body), responseModel };
  const object = asObject(body);
  let reading: BodyReading;
  if (endpoint.read) {
    reading = object ? endpoint.read(object, request) : { usage: undefined, responseModel: undefined };
    reading = { ...reading, responseModel: reading.responseModel ?? responseModel };
  } else {
    const usage = asObject(at(body, endpoint.usage.json));
    reading = { usage: usage && mapTokens(endpoint.usage.fields, usage), responseModel };
  }
  let billing = claimOf(endpoint, endpoint.claim && at(body, endpoint.claim.json), reading);
  const state = endpoint.deferred && at(body, endpoint.deferred.json);
  if (typeof state === "string" && endpoint.deferred!.values.includes(state)) billing = { ...billing, deferred: true };
  return billing ? { ...reading, billing } : reading;
}

/** Running state of one stream. `raw` merges the usage objects seen, field by field. */
export interface StreamState {
  usage: Usage | undefined;
  responseModel: string | undefined;
  raw: Json | undefined;
  /** An event of the row's `errorEvents` arrived. */
  failed: boolean;
  /** The id of the object the usage belongs to, for rows with a claim. */
  objectId?: string;
}

export const initialStreamState = (): StreamState => ({ usage: undefined, responseModel: undefined, raw: undefined, failed: false });

/** What a finished stream says about its billing besides tokens: the claim of the object it reported. */
export const streamBilling = (endpoint: Endpoint, state: StreamState): Billing | undefined =>
  claimOf(endpoint, state.objectId, { usage: state.usage, responseModel: state.responseModel });

/**
 * Folds one parsed SSE data object. The type is the data's own `type` (Responses and Messages
 * events carry it), else the `event:` field. Anthropic's message_delta repeats only the counts
 * that changed, so usage objects merge field by field (a null never erases a count); a chat usage
 * object is always whole, so the latest replaces the previous (usage.ts).
 */
export function foldEvent(endpoint: Endpoint, provider: ProviderId, state: StreamState, eventName: string | undefined, chunk: unknown): StreamState {
  if (endpoint.usage === "none") return state;
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
  const idPath = type === undefined ? undefined : endpoint.claim?.sse[type];
  const id = idPath && at(chunk, idPath);
  const objectId = typeof id === "string" && id !== "" ? id : state.objectId;
  if (!reported && model === state.responseModel && failed === state.failed && objectId === state.objectId) return state;
  let raw = state.raw;
  if (reported) {
    raw = { ...raw };
    for (const [key, value] of Object.entries(reported)) if (value !== null && value !== undefined) raw[key] = value;
  }
  const next: StreamState = { usage: raw && mapTokens(endpoint.usage.fields, raw), responseModel: model, raw, failed };
  if (objectId !== undefined) next.objectId = objectId;
  return next;
}
