/**
 * What a provider's admin usage and cost APIs look like, as data: one object
 * per provider (src/reconcile/openai-admin.ts, anthropic-admin.ts) with its
 * paths, query, auth headers and page parsers. Parsers are pure and refuse a
 * page whose shape is not the documented one, so a changed field fails the
 * run instead of reading as zero usage.
 */
import type { CostLine, Counts, ReconcileProvider, UsageLine } from "./types.ts";

export type BucketWidth = "1d" | "1h";

export interface AdminRequest {
  path: string;
  /** Arrays go as `group_by[]=a&group_by[]=b`, the form both providers' own SDKs send (their Python clients' `array_format="brackets"`). */
  query: [string, string][];
}

export type PageResult<T> = { ok: true; lines: T[]; next: string | null } | { ok: false; kind: "malformed" | "currency"; error: string };

export interface AdminApi {
  provider: ReconcileProvider;
  projectKind: "project" | "workspace";
  /** Which classes this provider's usage report carries (0) and which not (null). */
  reports: Counts;
  headers(adminKey: string): Record<string, string>;
  /** The first page of each usage report for [from, to), buckets of `width`. */
  usage(from: number, to: number, width: BucketWidth): AdminRequest[];
  cost(from: number, to: number): AdminRequest;
  parseUsage(body: unknown): PageResult<UsageLine>;
  parseCost(body: unknown): PageResult<CostLine>;
  /** The query parameter that carries `next_page`. */
  pageParam: string;
}

const dayMs = 86_400_000;
export const utcDay = (ms: number): number => Math.floor(ms / dayMs) * dayMs;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A count field: absent → undefined; present, it must be a non-negative integer, or the page is malformed. */
export function count(r: Record<string, unknown>, field: string): number | undefined | "bad" {
  const v = r[field];
  if (v === undefined || v === null) return undefined;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : "bad";
}

export const optionalId = (v: unknown): string | null | "bad" => (v === undefined || v === null ? null : typeof v === "string" && v.length <= 200 ? v : "bad");

/** The envelope both providers share: `data` (buckets), `has_more`, `next_page`. */
export function pageEnvelope(body: unknown): { ok: true; data: unknown[]; next: string | null } | { ok: false; error: string } {
  if (!isRecord(body) || !Array.isArray(body.data) || typeof body.has_more !== "boolean") return { ok: false, error: "the page has no data array or has_more flag" };
  const next = body.next_page;
  if (body.has_more && (typeof next !== "string" || next === "" || next.length > 2048)) return { ok: false, error: "has_more is true but next_page is missing" };
  return { ok: true, data: body.data, next: body.has_more ? (next as string) : null };
}
