import type { Behavior, Dialect, MockOptions, MockUsage, RecordedRequest, ReplyInput, StreamKind } from "./types.ts";

/** What to send for one request, decided before any byte is written. */
export interface Plan {
  status: number;
  headers: Record<string, string>;
  /** One element for a plain body; one SSE frame per element for a stream. */
  frames: string[];
  stream: boolean;
}

export interface PlanContext {
  dialect: Dialect;
  options: Required<MockOptions>;
  defaultUsage: MockUsage;
}

export const defaultContent = ["Hello", " from", " the", " mock", " upstream", "."];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The credential the client presented, for the 401 text (OpenAI echoes a masked key). */
function presentedKey(headers: Headers): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  return bearer ?? headers.get("api-key") ?? headers.get("x-api-key") ?? undefined;
}

/**
 * Decide the reply: auth → route → forced behaviour → dialect body. Pure apart from the random ids
 * the dialect mints, so the same order applies to every provider.
 */
export function planResponse(ctx: PlanContext, request: RecordedRequest, headers: Headers, behavior: Behavior): Plan {
  const { dialect, options } = ctx;
  const extra = () => ({ ...dialect.responseHeaders(), ...behavior.headers });
  const json = (status: number, body: string, contentType = dialect.jsonContentType): Plan => ({
    status,
    headers: { "content-type": contentType, ...extra() },
    frames: [body],
    stream: false,
  });
  const stream = (frames: string[]): Plan => ({
    status: 200,
    headers: { "content-type": dialect.streamContentType, "cache-control": "no-cache", ...extra() },
    frames,
    stream: true,
  });

  const search = new URLSearchParams(request.search);
  if (!dialect.authorized(headers, options.apiKey, search, request.path)) return json(401, dialect.unauthorizedBody(presentedKey(headers), request.path));
  const route = dialect.route(request.method, request.path, search, options);
  if (!route.ok) return json(route.status, route.body);

  if (behavior.errorBody !== undefined || (behavior.status ?? 0) >= 400) {
    const status = behavior.status ?? 500;
    return json(status, behavior.errorBody ?? dialect.errorBody(status, undefined, request.path));
  }
  if (behavior.rawBody !== undefined) return json(200, behavior.rawBody, "application/json");
  if (behavior.rawSse !== undefined) return stream(behavior.rawSse);
  if (route.kind === "models") return json(200, JSON.stringify(dialect.models()));
  if (!isObject(request.json)) return json(400, dialect.errorBody(400, undefined, request.path));

  const body = request.json;
  const requestModel = route.pathModel ?? (typeof body.model === "string" ? body.model : "");
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  const input: ReplyInput = {
    model: behavior.responseModel ?? dialect.responseModel(requestModel, route),
    body,
    content: behavior.contentChunks ?? defaultContent,
    usage: { ...ctx.defaultUsage, ...behavior.usage },
    includeUsage: streamOptions.include_usage === true,
    toolCall: behavior.toolCall,
    created: Math.floor(Date.now() / 1000),
  };
  if (route.stream ?? (body.stream === true && route.kind !== "embeddings")) return stream(dialect.stream(route.kind as StreamKind, input));
  return json(200, JSON.stringify(dialect.reply(route.kind, input)));
}
