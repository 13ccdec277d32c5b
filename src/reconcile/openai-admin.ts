/**
 * OpenAI's organization Usage and Costs APIs (admin key, `Authorization: Bearer sk-admin-…`):
 * https://platform.openai.com/docs/api-reference/usage and https://platform.openai.com/docs/api-reference/usage/costs.
 * Times are Unix seconds, [start_time, end_time); buckets carry `results`; `amount.value` is in `amount.currency` (lower-case ISO 4217).
 */
import { count, isRecord, optionalId, pageEnvelope, utcDay, type AdminApi, type PageResult } from "./admin-api.ts";
import type { CostLine, UsageLine } from "./types.ts";

/** Usage reports compared with Lectr's records; each row says which of its fields must be present. */
const usageEndpoints = [
  { path: "/organization/usage/completions", required: ["input_tokens", "output_tokens", "num_model_requests"] },
  { path: "/organization/usage/embeddings", required: ["input_tokens", "num_model_requests"] },
  { path: "/organization/usage/images", required: ["num_model_requests"] },
  { path: "/organization/usage/audio_speeches", required: ["num_model_requests"] },
  { path: "/organization/usage/audio_transcriptions", required: ["num_model_requests"] },
] as const;

/** Buckets per page: the documented maximum for each width (1d: 31, 1h: 168). */
const limits = { "1d": "31", "1h": "168" } as const;
const seconds = (ms: number) => String(Math.floor(ms / 1000));

function parseUsage(body: unknown): PageResult<UsageLine> {
  const page = pageEnvelope(body);
  if (!page.ok) return { ok: false, kind: "malformed", error: page.error };
  const lines: UsageLine[] = [];
  for (const bucket of page.data) {
    if (!isRecord(bucket) || typeof bucket.start_time !== "number" || !Array.isArray(bucket.results)) return { ok: false, kind: "malformed", error: "a bucket has no start_time or results" };
    for (const r of bucket.results) {
      if (!isRecord(r)) return { ok: false, kind: "malformed", error: "a result is not an object" };
      const endpoint = usageEndpoints.find((e) => typeof r.object === "string" && r.object === `organization.usage.${e.path.split("/").pop()}.result`);
      if (!endpoint) return { ok: false, kind: "malformed", error: `unknown result object ${JSON.stringify(String(r.object).slice(0, 80))}` };
      const input = count(r, "input_tokens");
      const cached = count(r, "input_cached_tokens");
      const output = count(r, "output_tokens");
      const requests = count(r, "num_model_requests");
      const apiKeyId = optionalId(r.api_key_id);
      const projectId = optionalId(r.project_id);
      const model = optionalId(r.model);
      if ([input, cached, output, requests, apiKeyId, projectId, model].includes("bad")) return { ok: false, kind: "malformed", error: "a result has a field of the wrong type" };
      const missing = endpoint.required.find((f) => r[f] === undefined || r[f] === null);
      if (missing) return { ok: false, kind: "malformed", error: `a ${endpoint.path} result has no ${missing}` };
      const inTokens = input as number | undefined;
      const cachedTokens = (cached as number | undefined) ?? (inTokens === undefined ? undefined : 0);
      lines.push({
        day: utcDay(bucket.start_time * 1000),
        model: (model as string | null) ?? "(unknown model)",
        apiKeyId: apiKeyId as string | null,
        projectId: projectId as string | null,
        counts: {
          requests: (requests as number | undefined) ?? null,
          uncachedInput: inTokens === undefined ? null : Math.max(0, inTokens - (cachedTokens ?? 0)),
          cacheRead: cachedTokens ?? null,
          cacheWrite5m: null,
          cacheWrite1h: null,
          output: (output as number | undefined) ?? null,
        },
      });
    }
  }
  return { ok: true, lines, next: page.next };
}

/** Line items read `<model>, <kind>` (e.g. `gpt-4o-2024-08-06, input`); anything else stays unattributed to a model. */
export function lineItemModel(item: string | null): string | null {
  if (item === null) return null;
  const m = /^([A-Za-z0-9:._/-]+), [a-z ]+$/.exec(item);
  return m ? m[1]! : null;
}

function parseCost(body: unknown): PageResult<CostLine> {
  const page = pageEnvelope(body);
  if (!page.ok) return { ok: false, kind: "malformed", error: page.error };
  const lines: CostLine[] = [];
  for (const bucket of page.data) {
    if (!isRecord(bucket) || typeof bucket.start_time !== "number" || !Array.isArray(bucket.results)) return { ok: false, kind: "malformed", error: "a bucket has no start_time or results" };
    for (const r of bucket.results) {
      if (!isRecord(r) || !isRecord(r.amount) || typeof r.amount.value !== "number" || !Number.isFinite(r.amount.value) || typeof r.amount.currency !== "string") {
        return { ok: false, kind: "malformed", error: "a cost result has no amount {value, currency}" };
      }
      if (r.amount.currency.toLowerCase() !== "usd") return { ok: false, kind: "currency", error: `costs are reported in ${r.amount.currency.slice(0, 10)}, not USD` };
      const item = optionalId(r.line_item);
      const projectId = optionalId(r.project_id);
      if (item === "bad" || projectId === "bad") return { ok: false, kind: "malformed", error: "a cost result has a field of the wrong type" };
      lines.push({ day: utcDay(bucket.start_time * 1000), model: lineItemModel(item), projectId, usd: r.amount.value });
    }
  }
  return { ok: true, lines, next: page.next };
}

export const openaiAdmin: AdminApi = {
  provider: "openai",
  projectKind: "project",
  reports: { requests: 0, uncachedInput: 0, cacheRead: 0, cacheWrite5m: null, cacheWrite1h: null, output: 0 },
  headers: (key) => ({ authorization: `Bearer ${key}` }),
  usage: (from, to, width) =>
    usageEndpoints.map((e) => ({
      path: e.path,
      query: [
        ["start_time", seconds(from)],
        ["end_time", seconds(to)],
        ["bucket_width", width],
        ["group_by[]", "model"],
        ["group_by[]", "project_id"],
        ["group_by[]", "api_key_id"],
        ["limit", limits[width]],
      ],
    })),
  cost: (from, to) => ({
    path: "/organization/costs",
    query: [
      ["start_time", seconds(from)],
      ["end_time", seconds(to)],
      ["bucket_width", "1d"],
      ["group_by[]", "project_id"],
      ["group_by[]", "line_item"],
      ["limit", "180"],
    ],
  }),
  parseUsage,
  parseCost,
  pageParam: "page",
};
