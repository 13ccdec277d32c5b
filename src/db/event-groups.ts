/** Events summed per group: the API's usage groups and a routing rule's slices. */
import { and, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { eventIsProviderError } from "./tables.ts";
import { bucketBounds, latencyBucketCount } from "../stats/histogram.ts";
import type { Slice, SliceCount } from "../routing/stats.ts";
import { filterConditions, type EventFilter } from "./events.ts";

/** The columns events may be grouped by, by the name the API uses. */
export const eventDimensions = { provider: "provider", model: "model", feature: "feature", task: "task", key: "key_id", status: "status" } as const;
export type EventDimension = keyof typeof eventDimensions;

export interface EventGroup {
  /** One per dimension, in order; null where the event had none (an untagged request). */
  values: (string | null)[];
  /** For `key`, the key's name, or its prefix until named; otherwise the value. */
  labels: (string | null)[];
  requests: number;
  errors: number;
  unpriced: number;
  cost_usd: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  latency_sum_ms: number;
}

/**
 * An org's events in the filter, summed per group of up to two dimensions,
 * costliest first (then most requests): the first `limit` groups, and the
 * sum over all of them. Reads the events themselves (the rollups keep neither
 * keys, statuses per model nor cached and reasoning tokens): two statements,
 * each one pass over the period through events_org_created.
 */
export async function groupEvents(
  db: Db,
  q: { orgId: string; by: readonly EventDimension[]; filter: EventFilter; limit: number },
): Promise<{ groups: EventGroup[]; total: EventGroup }> {
  const where = and(...filterConditions(q.orgId, q.filter));
  const sums = sql`COUNT(*) AS requests,
    TOTAL(CASE WHEN ${eventIsProviderError} THEN 1 ELSE 0 END) AS errors,
    TOTAL(CASE WHEN price_known THEN 0 ELSE 1 END) AS unpriced,
    TOTAL(cost_usd) AS cost_usd, TOTAL(input_tokens) AS input_tokens, TOTAL(cached_input_tokens) AS cached_input_tokens,
    TOTAL(output_tokens) AS output_tokens, TOTAL(reasoning_tokens) AS reasoning_tokens, TOTAL(latency_ms) AS latency_sum_ms`;
  const dims = q.by.map((d, i) => sql.raw(`events.${eventDimensions[d]} AS d${i}`));
  const labels = q.by.map((d, i) =>
    d === "key" ? sql.raw(`(SELECT coalesce(name, prefix) FROM api_keys WHERE api_keys.id = events.key_id) AS l${i}`) : sql.raw(`events.${eventDimensions[d]} AS l${i}`),
  );
  const groupBy = q.by.map((_, i) => sql.raw(`d${i}`));
  const [grouped, total] = await Promise.all([
    q.by.length === 0
      ? Promise.resolve([])
      : db.all<Record<string, unknown>>(
          sql`SELECT ${sql.join([...dims, ...labels], sql`, `)}, ${sums} FROM events WHERE ${where} GROUP BY ${sql.join(groupBy, sql`, `)} ORDER BY cost_usd DESC, requests DESC LIMIT ${q.limit}`,
        ),
    db.all<Record<string, unknown>>(sql`SELECT ${sums} FROM events WHERE ${where}`),
  ]);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const row = (r: Record<string, unknown>): EventGroup => ({
    values: q.by.map((_, i) => text(r[`d${i}`])),
    labels: q.by.map((_, i) => text(r[`l${i}`])),
    requests: Number(r.requests),
    errors: Number(r.errors),
    unpriced: Number(r.unpriced),
    cost_usd: Number(r.cost_usd),
    input_tokens: Number(r.input_tokens),
    cached_input_tokens: Number(r.cached_input_tokens),
    output_tokens: Number(r.output_tokens),
    reasoning_tokens: Number(r.reasoning_tokens),
    latency_sum_ms: Number(r.latency_sum_ms),
  });
  return { groups: grouped.map(row), total: { ...row(total[0] ?? {}), values: [], labels: [] } };
}

/** One branch per latency bucket of src/stats/histogram.ts, so SQL counts exactly what latencyBucket would. */
const latencyBucketSql = sql.raw(
  `CASE ${Array.from({ length: latencyBucketCount - 1 }, (_, i) => `WHEN latency_ms < ${bucketBounds(i)[1]} THEN ${i}`).join(" ")} ELSE ${latencyBucketCount - 1} END`,
);

/**
 * A routing rule's matching requests in [from, to), counted per slice (routed,
 * control, skipped) and latency bucket: at most 96 rows, in one statement that
 * seeks the events_org_rule index.
 */
export async function ruleSliceCounts(db: Db, q: { orgId: string; ruleId: string; from: number; to: number }): Promise<SliceCount[]> {
  const rows = await db.all<Record<string, unknown>>(sql`
    SELECT CASE WHEN routed_from_model IS NOT NULL THEN 'routed' WHEN routing_skipped IS NULL THEN 'control' ELSE 'skipped' END AS slice,
      ${latencyBucketSql} AS bucket,
      count(*) AS requests,
      sum(CASE WHEN ${eventIsProviderError} THEN 1 ELSE 0 END) AS errors,
      coalesce(sum(cost_usd), 0) AS cost_usd,
      count(cost_usd) AS costed,
      sum(latency_ms) AS latency_sum_ms, min(latency_ms) AS latency_min_ms, max(latency_ms) AS latency_max_ms
    FROM events
    WHERE org_id = ${q.orgId} AND routing_rule_id = ${q.ruleId} AND created_at >= ${q.from} AND created_at < ${q.to}
    GROUP BY slice, bucket`);
  return rows.map((r) => ({
    slice: String(r.slice) as Slice,
    bucket: Number(r.bucket),
    requests: Number(r.requests),
    errors: Number(r.errors),
    costUsd: Number(r.cost_usd),
    costed: Number(r.costed),
    latencySumMs: Number(r.latency_sum_ms),
    latencyMinMs: Number(r.latency_min_ms),
    latencyMaxMs: Number(r.latency_max_ms),
  }));
}
