/** Re-costing stored events after a price change, and what is still unpriced. */
import type { InStatement, InValue } from "@libsql/client";
import type { Db } from "./client.ts";
import { costAdjustStatements, type CostChange } from "./rollups.ts";
import type { WritePath } from "./write-path.ts";
import type { Usage } from "../providers/types.ts";
import type { EventPosition } from "./events.ts";

/** What a stored event is priced from, and the cost it holds now. */
export interface StoredCall {
  provider: string;
  model: string;
  responseModel: string | null;
  at: number;
  /** undefined when the call reported none. */
  usage: Usage | undefined;
}

export interface StoredCost {
  costUsd: number | null;
  priceKnown: boolean;
  costSource: string;
}

export interface RecostTotals {
  eventsChecked: number;
  eventsChanged: number;
  /** Sum of new − old cost_usd over the changed events (null counts as 0). */
  deltaUsd: number;
}

/** Rows per re-costing transaction: a few milliseconds of work on the thread that also serves requests. */
const recostChunkRows = 250;
const recostColumns =
  "id, created_at, provider, model, response_model, feature, task, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, cost_usd, price_known, cost_source, price_basis, status, billed_units";

/**
 * Prices an org's events in [from, to) again with `price` (optionally only those naming `model`,
 * as requested or as the response named it) and stores what changed: cost_usd, price_known,
 * cost_source, and the rollups by the same deltas. A chunk at a time, oldest first; each chunk is
 * read, updated and its rollups adjusted in one write transaction, so nothing written in between
 * is lost and a failure leaves every chunk either fully done or untouched. Running it twice
 * changes nothing the second time.
 */
export async function recostEvents(
  writePath: WritePath,
  q: { orgId: string; from: number; to: number; model?: string | null },
  price: (call: StoredCall) => StoredCost,
): Promise<RecostTotals> {
  const totals: RecostTotals = { eventsChecked: 0, eventsChanged: 0, deltaUsd: 0 };
  let after: EventPosition = { createdAt: q.from, id: "" };
  for (let more = true; more; ) {
    // The embedded write path runs statements synchronously: let requests in between chunks.
    if (totals.eventsChecked > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    more = await writePath.transaction(async (tx) => {
      const [read] = await tx.batch([recostChunkStatement(q, after)]);
      const rows = read?.rows ?? [];
      const updates: InStatement[] = [];
      const changes: CostChange[] = [];
      for (const r of rows) {
        const old = { costUsd: numberOrNull(r.cost_usd), priceKnown: Boolean(r.price_known), costSource: r.cost_source == null ? null : String(r.cost_source) };
        // a cut stream's estimate has no token counts to price again from; images, seconds, the batch rate
        // and image/audio input are not all in the token columns, so those keep the price they were made at
        if (old.costSource === "estimated" || r.price_basis != null) continue;
        // a successful call that reported nothing to price stays unknown, whatever the price is now
        if (!old.priceKnown && Number(r.status) < 400 && r.input_tokens == null && r.billed_units == null) continue;
        const next = price({
          provider: String(r.provider),
          model: String(r.model),
          responseModel: r.response_model == null ? null : String(r.response_model),
          at: Number(r.created_at),
          usage: storedUsage(r),
        });
        if (next.costUsd === old.costUsd && next.priceKnown === old.priceKnown && next.costSource === old.costSource) continue;
        updates.push({ sql: "UPDATE events SET cost_usd = ?, price_known = ?, cost_source = ? WHERE id = ?", args: [next.costUsd, next.priceKnown ? 1 : 0, next.costSource, String(r.id)] });
        const costDelta = (next.costUsd ?? 0) - (old.costUsd ?? 0);
        changes.push({
          orgId: q.orgId,
          createdAt: Number(r.created_at),
          provider: String(r.provider),
          model: String(r.model),
          feature: r.feature == null ? null : String(r.feature),
          task: r.task == null ? null : String(r.task),
          costDelta,
          unpricedDelta: Number(!next.priceKnown) - Number(!old.priceKnown),
        });
        totals.deltaUsd += costDelta;
      }
      await tx.batch([...updates, ...costAdjustStatements(changes)]);
      totals.eventsChecked += rows.length;
      totals.eventsChanged += updates.length;
      const last = rows[rows.length - 1];
      if (last) after = { createdAt: Number(last.created_at), id: String(last.id) };
      return rows.length === recostChunkRows;
    });
  }
  return totals;
}

function recostChunkStatement(q: { orgId: string; to: number; model?: string | null }, after: EventPosition): InStatement {
  const args: InValue[] = [q.orgId, q.to, after.createdAt, after.id];
  let where = "org_id = ? AND created_at < ? AND (created_at, id) > (?, ?)";
  if (q.model != null) {
    where += " AND (model = ? OR response_model = ?)";
    args.push(q.model, q.model);
  }
  args.push(recostChunkRows);
  return { sql: `SELECT ${recostColumns} FROM events WHERE ${where} ORDER BY created_at, id LIMIT ?`, args };
}

/** The usage a stored event was priced from; events without input_tokens reported none. */
function storedUsage(r: Record<string, unknown>): Usage | undefined {
  if (r.input_tokens == null) return undefined;
  const n = (v: unknown) => (v == null ? 0 : Number(v));
  return {
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    cachedInputTokens: n(r.cached_input_tokens),
    cacheWriteTokens: n(r.cache_write_tokens),
    cacheWrite1hTokens: n(r.cache_write_1h_tokens),
    reasoningTokens: n(r.reasoning_tokens),
  };
}

const numberOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

/**
 * Requests and tokens of an org's unpriced events in [from, to) for the given provider and model
 * pairs, in one statement: for models the rollups show as only partly unpriced, whose tokens they
 * cannot split.
 */
export async function unpricedTotals(
  db: Db,
  q: { orgId: string; from: number; to: number; models: readonly { provider: string; model: string }[] },
): Promise<{ provider: string; model: string; requests: number; inputTokens: number; outputTokens: number }[]> {
  if (q.models.length === 0) return [];
  const pairs = q.models.map(() => "(?, ?)").join(", ");
  const res = await db.$client.execute({
    sql: `SELECT provider, model, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens
      FROM events WHERE org_id = ? AND created_at >= ? AND created_at < ? AND price_known = 0 AND (provider, model) IN (VALUES ${pairs})
      GROUP BY provider, model`,
    args: [q.orgId, q.from, q.to, ...q.models.flatMap((m) => [m.provider, m.model])],
  });
  return res.rows.map((r) => ({
    provider: String(r.provider),
    model: String(r.model),
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
  }));
}
