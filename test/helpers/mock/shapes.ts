import type { ReplyInput, Route, RouteKind } from "./types.ts";

/** One SSE event, framed the way every provider here frames it: `data: …` and a blank line. */
export const sse = (data: unknown): string => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

export const sseDone = sse("[DONE]");

/** Map `METHOD /path` to a route kind; anything else is the dialect's 404. */
export function routeTable(
  table: Record<string, RouteKind>,
  method: string,
  path: string,
  notFound: () => string,
): Route {
  const kind = table[`${method} ${path}`];
  return kind ? { ok: true, kind } : { ok: false, status: 404, body: notFound() };
}

/** The assistant deltas of a chat stream: a role chunk, then one chunk per content piece. */
export const contentDeltas = (content: string[]): Record<string, unknown>[] =>
  content.map((piece) => ({ content: piece }));

export const joined = (input: ReplyInput): string => input.content.join("");

/** How many embeddings a request asks for: `input` is a string, a token array, or a list of either. */
function inputCount(input: unknown): number {
  if (!Array.isArray(input) || input.length === 0) return 1;
  return typeof input[0] === "number" ? 1 : input.length;
}

/** A small deterministic vector, base64 float32 when asked (the OpenAI SDK asks by default). */
function embedding(index: number, base64: boolean): number[] | string {
  const values = Array.from({ length: 8 }, (_, i) => Math.round(Math.sin(index * 8 + i + 1) * 1e4) / 1e4);
  if (!base64) return values;
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  return btoa(String.fromCharCode(...bytes));
}

/** OpenAI's embeddings list (providers.md 1.3), also used by Gemini and Azure. */
export function embeddingsBody(input: ReplyInput, usage: unknown) {
  const base64 = input.body.encoding_format === "base64";
  const data = Array.from({ length: inputCount(input.body.input) }, (_, index) => ({
    object: "embedding",
    index,
    embedding: embedding(index, base64),
  }));
  return { object: "list", data, model: input.model, usage };
}

/** Legacy `/completions` (text_completion) reply. */
export function textCompletionBody(id: string, input: ReplyInput, usage: unknown) {
  return {
    id,
    object: "text_completion",
    created: input.created,
    model: input.model,
    choices: [{ text: joined(input), index: 0, logprobs: null, finish_reason: "stop" }],
    usage,
  };
}

/** Legacy `/completions` stream: one chunk per piece, a finish chunk, the opt-in usage chunk, `[DONE]`. */
export function textCompletionStream(id: string, input: ReplyInput, usage: unknown): string[] {
  const head = { id, object: "text_completion", created: input.created, model: input.model };
  const nullUsage = input.includeUsage ? { usage: null } : {};
  const choice = (text: string, finish: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finish });
  return [
    ...input.content.map((text) => sse({ ...head, choices: [choice(text, null)], ...nullUsage })),
    sse({ ...head, choices: [choice("", "stop")], ...nullUsage }),
    ...(input.includeUsage ? [sse({ ...head, choices: [], usage })] : []),
    sseDone,
  ];
}

export const modelList = (ids: string[], ownedBy: string, created = 1715367049) => ({
  object: "list",
  data: ids.map((id) => ({ id, object: "model", created, owned_by: ownedBy })),
});
