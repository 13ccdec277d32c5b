/**
 * Anthropic's Usage and Cost Admin API (admin key `sk-ant-admin…` in `x-api-key`, `anthropic-version: 2023-06-01`):
 * https://platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages and
 * https://platform.claude.com/docs/en/api/admin/cost_report/retrieve. Times are RFC 3339; the cost report's
 * `amount` is a decimal string in the currency's lowest unit ("123.45" USD is $1.2345).
 */
import { count, isRecord, optionalId, pageEnvelope, utcDay, type AdminApi, type PageResult } from "./admin-api.ts";
import type { CostLine, UsageLine } from "./types.ts";

const limits = { "1d": "31", "1h": "168" } as const;
const rfc3339 = (ms: number) => new Date(ms).toISOString();

function bucketStart(bucket: unknown): number | undefined {
  if (!isRecord(bucket) || typeof bucket.starting_at !== "string" || !Array.isArray(bucket.results)) return undefined;
  const t = Date.parse(bucket.starting_at);
  return Number.isFinite(t) ? t : undefined;
}

function parseUsage(body: unknown): PageResult<UsageLine> {
  const page = pageEnvelope(body);
  if (!page.ok) return { ok: false, kind: "malformed", error: page.error };
  const lines: UsageLine[] = [];
  for (const bucket of page.data) {
    const start = bucketStart(bucket);
    if (start === undefined) return { ok: false, kind: "malformed", error: "a bucket has no starting_at or results" };
    for (const r of (bucket as { results: unknown[] }).results) {
      if (!isRecord(r) || !isRecord(r.cache_creation)) return { ok: false, kind: "malformed", error: "a usage result has no cache_creation object" };
      const fields = [
        count(r, "uncached_input_tokens"),
        count(r, "cache_read_input_tokens"),
        count(r.cache_creation, "ephemeral_5m_input_tokens"),
        count(r.cache_creation, "ephemeral_1h_input_tokens"),
        count(r, "output_tokens"),
      ];
      if (fields.some((f) => f === undefined || f === "bad")) return { ok: false, kind: "malformed", error: "a usage result lacks a token count or has one of the wrong type" };
      const [uncached, read, w5m, w1h, output] = fields as number[];
      const apiKeyId = optionalId(r.api_key_id);
      const workspaceId = optionalId(r.workspace_id);
      const model = optionalId(r.model);
      if (apiKeyId === "bad" || workspaceId === "bad" || model === "bad") return { ok: false, kind: "malformed", error: "a usage result has an id of the wrong type" };
      lines.push({
        day: utcDay(start),
        model: model ?? "(unknown model)",
        apiKeyId,
        projectId: workspaceId,
        // the usage report counts tokens, not requests
        counts: { requests: null, uncachedInput: uncached!, cacheRead: read!, cacheWrite5m: w5m!, cacheWrite1h: w1h!, output: output! },
      });
    }
  }
  return { ok: true, lines, next: page.next };
}

/** A decimal string of cents, e.g. "123.45"; anything else (a number, an exponent, a sign) is a changed field. */
export function centsToUsd(amount: unknown): number | undefined {
  if (typeof amount !== "string" || !/^\d{1,15}(\.\d{1,12})?$/.test(amount)) return undefined;
  return Number(amount) / 100;
}

function parseCost(body: unknown): PageResult<CostLine> {
  const page = pageEnvelope(body);
  if (!page.ok) return { ok: false, kind: "malformed", error: page.error };
  const lines: CostLine[] = [];
  for (const bucket of page.data) {
    const start = bucketStart(bucket);
    if (start === undefined) return { ok: false, kind: "malformed", error: "a bucket has no starting_at or results" };
    for (const r of (bucket as { results: unknown[] }).results) {
      if (!isRecord(r) || typeof r.currency !== "string") return { ok: false, kind: "malformed", error: "a cost result has no currency" };
      if (r.currency !== "USD") return { ok: false, kind: "currency", error: `costs are reported in ${r.currency.slice(0, 10)}, not USD` };
      const usd = centsToUsd(r.amount);
      if (usd === undefined) return { ok: false, kind: "malformed", error: "a cost result's amount is not a decimal string of cents" };
      const model = optionalId(r.model);
      const workspaceId = optionalId(r.workspace_id);
      if (model === "bad" || workspaceId === "bad") return { ok: false, kind: "malformed", error: "a cost result has an id of the wrong type" };
      lines.push({ day: utcDay(start), model, projectId: workspaceId, usd });
    }
  }
  return { ok: true, lines, next: page.next };
}

export const anthropicAdmin: AdminApi = {
  provider: "anthropic",
  projectKind: "workspace",
  reports: { requests: null, uncachedInput: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0 },
  headers: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
  usage: (from, to, width) => [
    {
      path: "/organizations/usage_report/messages",
      query: [
        ["starting_at", rfc3339(from)],
        ["ending_at", rfc3339(to)],
        ["bucket_width", width],
        ["group_by[]", "model"],
        ["group_by[]", "api_key_id"],
        ["group_by[]", "workspace_id"],
        ["limit", limits[width]],
      ],
    },
  ],
  cost: (from, to) => ({
    path: "/organizations/cost_report",
    query: [
      ["starting_at", rfc3339(from)],
      ["ending_at", rfc3339(to)],
      ["bucket_width", "1d"],
      ["group_by[]", "workspace_id"],
      ["group_by[]", "description"],
      ["limit", "31"],
    ],
  }),
  parseUsage,
  parseCost,
  pageParam: "page",
};
