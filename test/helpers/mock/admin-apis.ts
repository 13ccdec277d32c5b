/**
 * Mock admin usage and cost APIs speaking OpenAI's and Anthropic's documented
 * formats on 127.0.0.1: buckets of the asked width, grouping by the asked
 * dimensions only, cursor paging (`next_page` / `page`, `pageBuckets` buckets a
 * page), OpenAI amounts as numbers with a lower-case currency, Anthropic
 * amounts as decimal strings of cents. Seeded with hourly usage and daily
 * costs; faults (a status for the next calls, a malformed page, a currency)
 * are switched on per test.
 */
export interface SeedUsage {
  provider: "openai" | "anthropic";
  /** Start of the hour, epoch ms. */
  hour: number;
  model: string;
  apiKeyId: string;
  /** OpenAI project or Anthropic workspace. */
  projectId: string;
  uncached: number;
  cached: number;
  write5m?: number;
  write1h?: number;
  output: number;
  requests: number;
}

export interface SeedCost {
  provider: "openai" | "anthropic";
  day: number;
  /** null: a line naming no model (web search, storage). */
  model: string | null;
  projectId: string;
  /** OpenAI: the line item's kind (`input`, `output`); Anthropic: the token_type. */
  kind: string;
  usd: number;
}

export interface AdminMock {
  url: string;
  usage: SeedUsage[];
  costs: SeedCost[];
  /** Every request: path, query and the credential header it carried. */
  requests: { path: string; query: URLSearchParams; credential: string | null }[];
  /** The next `times` calls answer `status` (with retry-after 0 for 429). */
  fail(status: number, times: number): void;
  /** The next call answers this body with 200. */
  malformedNext(body: unknown): void;
  currency: { openai: string; anthropic: string };
  /** Buckets per page (at most the asked limit). */
  pageBuckets: number;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const hourMs = 3_600_000;
const dayMs = 86_400_000;

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

const openaiError = (status: number, message: string) => json({ error: { message, type: "invalid_request_error", param: null, code: null } }, status);
const anthropicError = (status: number, type: string, message: string) => json({ type: "error", error: { type, message } }, status);

/** Bucket starts covering [from, to) at `width`, snapped to UTC. */
function buckets(from: number, to: number, width: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / width) * width; t < to; t += width) out.push(t);
  return out;
}

function page<T>(all: T[], query: URLSearchParams, pageBuckets: number, maxLimit: number): { slice: T[]; next: string | null } | undefined {
  const limit = query.has("limit") ? Number(query.get("limit")) : 7;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return undefined;
  const offset = query.has("page") ? Number(atob(query.get("page")!)) : 0;
  const size = Math.min(limit, pageBuckets);
  const slice = all.slice(offset, offset + size);
  return { slice, next: offset + size < all.length ? btoa(String(offset + size)) : null };
}

export function startAdminMock(keys: { openai: string; anthropic: string }, opts: { pageBuckets?: number } = {}): AdminMock {
  let failures: { status: number; left: number } | undefined;
  let malformed: unknown;
  const mock = {
    usage: [] as SeedUsage[],
    costs: [] as SeedCost[],
    requests: [] as AdminMock["requests"],
    currency: { openai: "usd", anthropic: "USD" },
    pageBuckets: opts.pageBuckets ?? 2,
  };

  function groupUsage(provider: "openai" | "anthropic", start: number, width: number, groupBy: string[], endpointRequests: boolean) {
    const rows = mock.usage.filter((u) => u.provider === provider && u.hour >= start && u.hour < start + width);
    const groups = new Map<string, SeedUsage[]>();
    for (const u of rows) {
      const k = [groupBy.includes("model") ? u.model : "", groupBy.includes("api_key_id") ? u.apiKeyId : "", groupBy.some((g) => g === "project_id" || g === "workspace_id") ? u.projectId : ""].join("|");
      groups.set(k, [...(groups.get(k) ?? []), u]);
    }
    return [...groups.values()].map((g) => {
      const sum = (f: (u: SeedUsage) => number) => g.reduce((a, u) => a + f(u), 0);
      const u = g[0]!;
      if (provider === "openai") {
        return {
          object: "organization.usage.completions.result",
          input_tokens: sum((x) => x.uncached + x.cached),
          output_tokens: sum((x) => x.output),
          input_cached_tokens: sum((x) => x.cached),
          input_audio_tokens: 0,
          output_audio_tokens: 0,
          num_model_requests: endpointRequests ? sum((x) => x.requests) : 0,
          project_id: groupBy.includes("project_id") ? u.projectId : null,
          user_id: null,
          api_key_id: groupBy.includes("api_key_id") ? u.apiKeyId : null,
          model: groupBy.includes("model") ? u.model : null,
          batch: null,
        };
      }
      return {
        uncached_input_tokens: sum((x) => x.uncached),
        cache_read_input_tokens: sum((x) => x.cached),
        cache_creation: { ephemeral_5m_input_tokens: sum((x) => x.write5m ?? 0), ephemeral_1h_input_tokens: sum((x) => x.write1h ?? 0) },
        output_tokens: sum((x) => x.output),
        server_tool_use: { web_search_requests: 0 },
        api_key_id: groupBy.includes("api_key_id") ? u.apiKeyId : null,
        workspace_id: groupBy.includes("workspace_id") ? u.projectId : null,
        model: groupBy.includes("model") ? u.model : null,
        service_tier: null,
        context_window: null,
      };
    });
  }

  function openai(url: URL): Response {
    const q = url.searchParams;
    const start = Number(q.get("start_time"));
    const end = q.has("end_time") ? Number(q.get("end_time")) : start + 7 * 86_400;
    if (!Number.isInteger(start) || !Number.isInteger(end)) return openaiError(400, "start_time must be an integer");
    const groupBy = q.getAll("group_by[]");
    if (url.pathname.endsWith("/organization/costs")) {
      if ((q.get("bucket_width") ?? "1d") !== "1d") return openaiError(400, "bucket_width must be 1d");
      if (groupBy.some((g) => !["project_id", "line_item"].includes(g))) return openaiError(400, "invalid group_by");
      const all = buckets(start * 1000, end * 1000, dayMs);
      const p = page(all, q, mock.pageBuckets, 180);
      if (!p) return openaiError(400, "limit must be between 1 and 180");
      return json({
        object: "page",
        data: p.slice.map((b) => ({
          object: "bucket",
          start_time: b / 1000,
          end_time: (b + dayMs) / 1000,
          results: mock.costs
            .filter((c) => c.provider === "openai" && c.day === b)
            .map((c) => ({
              object: "organization.costs.result",
              amount: { value: c.usd, currency: mock.currency.openai },
              line_item: groupBy.includes("line_item") ? (c.model === null ? c.kind : `${c.model}, ${c.kind}`) : null,
              project_id: groupBy.includes("project_id") ? c.projectId : null,
            })),
        })),
        has_more: p.next !== null,
        next_page: p.next,
      });
    }
    const kind = url.pathname.split("/").pop()!;
    if (!["completions", "embeddings", "images", "audio_speeches", "audio_transcriptions"].includes(kind)) return openaiError(404, "not found");
    if (groupBy.some((g) => !["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"].includes(g))) return openaiError(400, "invalid group_by");
    const width = { "1m": 60_000, "1h": hourMs, "1d": dayMs }[q.get("bucket_width") ?? "1d"];
    if (!width) return openaiError(400, "bucket_width must be 1m, 1h or 1d");
    const all = buckets(start * 1000, end * 1000, width);
    const p = page(all, q, mock.pageBuckets, width === dayMs ? 31 : width === hourMs ? 168 : 1440);
    if (!p) return openaiError(400, "limit out of range");
    return json({
      object: "page",
      // seeded usage is chat: the other usage endpoints report empty buckets
      data: p.slice.map((b) => ({ object: "bucket", start_time: b / 1000, end_time: (b + width) / 1000, results: kind === "completions" ? groupUsage("openai", b, width, groupBy, true) : [] })),
      has_more: p.next !== null,
      next_page: p.next,
    });
  }

  function anthropic(url: URL): Response {
    const q = url.searchParams;
    const start = Date.parse(q.get("starting_at") ?? "");
    const end = q.has("ending_at") ? Date.parse(q.get("ending_at")!) : start + 7 * dayMs;
    if (!Number.isFinite(start) || !Number.isFinite(end)) return anthropicError(400, "invalid_request_error", "starting_at must be an RFC 3339 timestamp");
    const groupBy = q.getAll("group_by[]");
    const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
    if (url.pathname.endsWith("/organizations/cost_report")) {
      if ((q.get("bucket_width") ?? "1d") !== "1d") return anthropicError(400, "invalid_request_error", "bucket_width must be 1d");
      if (groupBy.some((g) => !["workspace_id", "description"].includes(g))) return anthropicError(400, "invalid_request_error", "invalid group_by");
      const p = page(buckets(start, end, dayMs), q, mock.pageBuckets, 31);
      if (!p) return anthropicError(400, "invalid_request_error", "limit out of range");
      const byDescription = groupBy.includes("description");
      return json({
        data: p.slice.map((b) => ({
          starting_at: iso(b),
          ending_at: iso(b + dayMs),
          results: mock.costs
            .filter((c) => c.provider === "anthropic" && c.day === b)
            .map((c) => ({
              currency: mock.currency.anthropic,
              // cents as a decimal string, as documented ("123.45" USD is $1.2345)
              amount: (c.usd * 100).toFixed(4).replace(/0+$/, "").replace(/\.$/, ""),
              workspace_id: groupBy.includes("workspace_id") ? c.projectId : null,
              description: byDescription ? `${c.model ?? "Web search"} ${c.kind}` : null,
              cost_type: byDescription ? (c.model === null ? "web_search" : "tokens") : null,
              context_window: null,
              model: byDescription ? c.model : null,
              service_tier: byDescription ? "standard" : null,
              token_type: byDescription && c.model !== null ? c.kind : null,
            })),
        })),
        has_more: p.next !== null,
        next_page: p.next,
      });
    }
    if (!url.pathname.endsWith("/organizations/usage_report/messages")) return anthropicError(404, "not_found_error", "not found");
    if (groupBy.some((g) => !["api_key_id", "workspace_id", "model", "service_tier", "context_window", "inference_geo", "speed", "account_id", "service_account_id"].includes(g))) {
      return anthropicError(400, "invalid_request_error", "invalid group_by");
    }
    const width = { "1m": 60_000, "1h": hourMs, "1d": dayMs }[q.get("bucket_width") ?? "1d"];
    if (!width) return anthropicError(400, "invalid_request_error", "invalid bucket_width");
    const p = page(buckets(start, end, width), q, mock.pageBuckets, width === dayMs ? 31 : width === hourMs ? 168 : 1440);
    if (!p) return anthropicError(400, "invalid_request_error", "limit out of range");
    return json({
      data: p.slice.map((b) => ({ starting_at: iso(b), ending_at: iso(b + width), results: groupUsage("anthropic", b, width, groupBy, false) })),
      has_more: p.next !== null,
      next_page: p.next,
    });
  }

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const url = new URL(req.url);
      const isAnthropic = url.pathname.startsWith("/anthropic/");
      const credential = isAnthropic ? req.headers.get("x-api-key") : req.headers.get("authorization");
      mock.requests.push({ path: url.pathname, query: url.searchParams, credential });
      if (failures && failures.left > 0) {
        failures.left--;
        return isAnthropic ? anthropicError(failures.status, "api_error", "overloaded") : openaiError(failures.status, "server busy");
      }
      if (isAnthropic) {
        if (credential !== keys.anthropic) return anthropicError(401, "authentication_error", "invalid x-api-key");
        if (req.headers.get("anthropic-version") !== "2023-06-01") return anthropicError(400, "invalid_request_error", "anthropic-version header is required");
      } else if (credential !== `Bearer ${keys.openai}`) {
        return openaiError(401, "Incorrect API key provided");
      }
      if (malformed !== undefined) {
        const body = malformed;
        malformed = undefined;
        return json(body);
      }
      return isAnthropic ? anthropic(url) : openai(url);
    },
  });
  const stop = async () => void (await server.stop(true));
  return Object.assign(mock, {
    url: `http://127.0.0.1:${server.port}`,
    fail(status: number, times: number) {
      failures = { status, left: times };
    },
    malformedNext(body: unknown) {
      malformed = body;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  });
}
