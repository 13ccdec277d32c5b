/**
 * Which calls a block budget can hold to a dollar amount before they are
 * forwarded, as data. Pure.
 *
 * - `tokens`: the generation endpoints, whose cost Lectr estimates from the
 *   body (chat completions, legacy completions, embeddings, the Responses API,
 *   Anthropic messages, Gemini generateContent; Azure deployments' paths end
 *   the same way).
 * - `free`: reads, deletes and calls the providers do not bill (model lists,
 *   moderations, token counting, file uploads, cancels).
 * - `unmeasurable`: everything else that creates billed work whose cost
 *   Lectr cannot see at admission (batches, fine-tuning jobs, images, audio,
 *   vector stores, realtime sessions, …). Under a block budget these are
 *   refused with 402 budget_unmeasurable unless the budget exempts them.
 */
export type RouteCost = "tokens" | "free" | "unmeasurable";

/** Path endings (after /v1 or a deployment prefix) whose cost is estimated from the body. */
const tokenRoutes = ["/chat/completions", "/completions", "/embeddings", "/responses", "/messages", ":generateContent", ":streamGenerateContent"] as const;

/** POST routes that bill nothing themselves. */
const freeRoutes: readonly RegExp[] = [
  /\/moderations$/,
  /\/files$/,
  /\/uploads(\/[^/]+(\/parts|\/complete|\/cancel)?)?$/,
  /\/messages\/count_tokens$/,
  /\/responses\/input_tokens$/,
  /:countTokens$/,
  /\/[^/]+\/cancel$/,
];

const readMethods = new Set(["GET", "HEAD", "OPTIONS", "DELETE"]);

export function routeCost(method: string, path: string): RouteCost {
  if (readMethods.has(method)) return "free";
  if (tokenRoutes.some((r) => path.endsWith(r))) return "tokens";
  return freeRoutes.some((r) => r.test(path)) ? "free" : "unmeasurable";
}

/**
 * Body fields that bring in input Lectr cannot see: an earlier response's
 * context (`previous_response_id`), a stored conversation, a stored prompt
 * template, a Gemini cached content. Their size is unknown at admission.
 */
const hiddenInputFields = ["previous_response_id", "conversation", "prompt", "cachedContent", "cached_content"] as const;

export function hiddenInputField(json: Record<string, unknown> | undefined): string | undefined {
  if (!json) return undefined;
  for (const f of hiddenInputFields) {
    const v = json[f];
    // the legacy completions `prompt` is the visible text itself; only a stored prompt (an object with an id) hides input
    if (f === "prompt" ? typeof v === "object" && v !== null && !Array.isArray(v) : v !== undefined && v !== null && v !== "") return f;
  }
  return undefined;
}

/** A background response is answered before it runs: its usage arrives only when it is read later. */
export function isBackground(json: Record<string, unknown> | undefined): boolean {
  return json?.background === true;
}
