/**
 * Many events for one org in a few SQL statements (not through the proxy):
 * `count` successful chat calls spread evenly over [from, to), across 7
 * models and 5 features, and their daily rollups, which tell Lectr the org's
 * volume. For tests and benchmarks that need a heavy org quickly.
 */
import type { Client } from "@libsql/client";

export async function bulkEvents(client: Client, o: { orgId: string; keyId: string; count: number; from: number; to: number; tag?: string }): Promise<void> {
  const tag = o.tag ?? `${o.orgId}-${o.from}`;
  const step = (o.to - o.from) / o.count;
  await client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
      INSERT INTO events (id, org_id, key_id, created_at, endpoint, provider, provider_source, provider_unknown, model, streamed, status,
        latency_ms, input_tokens, output_tokens, cost_usd, price_known, feature, task)
      SELECT printf('bulk-%s-%09d', ?, i), ?, ?, ? + CAST(i * ? AS INTEGER), '/v1/chat/completions', 'openai', 'detected', 0,
        'model-' || (i % 7), 0, 200, 100 + i % 50, 100, 20, 0.0001, 1, 'f' || (i % 5), 'chat' FROM n`,
    args: [o.count, tag, o.orgId, o.keyId, o.from, step],
  });
  await client.execute({
    sql: `INSERT INTO rollups_daily (org_id, day, provider, model, requests, errors, unpriced, cost_usd, input_tokens, output_tokens, latency_sum_ms, latency_min_ms, latency_max_ms)
      SELECT org_id, created_at / 86400000 * 86400000, provider, model, COUNT(*), 0, 0, TOTAL(cost_usd), TOTAL(input_tokens), TOTAL(output_tokens),
        TOTAL(latency_ms), MIN(latency_ms), MAX(latency_ms)
      FROM events WHERE id >= ? AND id < ? GROUP BY 1, 2, 3, 4
      ON CONFLICT (org_id, day, provider, model) DO UPDATE SET requests = requests + excluded.requests, cost_usd = cost_usd + excluded.cost_usd,
        input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms`,
    args: [`bulk-${tag}-`, `bulk-${tag}.`],
  });
}
