/** The only SQL over `model_prices`: org price overrides, never edited, only added to. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { modelPrices } from "./tables.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { OrgPrice } from "../pricing/price-book.ts";

type Row = typeof modelPrices.$inferSelect;

const toOrgPrice = (r: Row): OrgPrice => ({
  id: r.id,
  orgId: r.org_id,
  provider: r.provider,
  model: r.model,
  effectiveFrom: r.effective_from,
  inputPerMTok: r.input_per_mtok,
  cachedInputPerMTok: r.cached_input_per_mtok,
  cacheWritePerMTok: r.cache_write_per_mtok,
  outputPerMTok: r.output_per_mtok,
  createdAt: r.created_at,
});

/**
 * Adds a price row (a change of price is a new row; the newest row for a model and date wins,
 * src/pricing/price-book.ts), unless the org already has `maxRows`: then undefined. One
 * statement, so concurrent calls cannot pass the cap together.
 */
export async function insertModelPrice(db: Db, p: Omit<OrgPrice, "id" | "createdAt">, maxRows: number, now = Date.now()): Promise<OrgPrice | undefined> {
  const row: OrgPrice = { ...p, id: uuidv7(now), createdAt: now };
  const res = await db.$client.execute({
    sql: `INSERT INTO model_prices (id, org_id, provider, model, effective_from, input_per_mtok, cached_input_per_mtok, cache_write_per_mtok, output_per_mtok, created_at)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM model_prices WHERE org_id = ?) < ?`,
    args: [row.id, row.orgId, row.provider, row.model, row.effectiveFrom, row.inputPerMTok, row.cachedInputPerMTok, row.cacheWritePerMTok, row.outputPerMTok, row.createdAt, row.orgId, maxRows],
  });
  return res.rowsAffected === 1 ? row : undefined;
}

const order = [asc(modelPrices.provider), asc(modelPrices.model), asc(modelPrices.effective_from), asc(modelPrices.created_at), asc(modelPrices.id)];

/** One org's overrides, by provider, model, effective date and when they were set. */
export async function listModelPrices(db: Db, orgId: string): Promise<OrgPrice[]> {
  return (await db.select().from(modelPrices).where(eq(modelPrices.org_id, orgId)).orderBy(...order)).map(toOrgPrice);
}

/** Every org's overrides, for the in-memory price books; the table is small (prices are set by people). */
export async function listAllModelPrices(db: Db): Promise<OrgPrice[]> {
  return (await db.select().from(modelPrices).orderBy(asc(modelPrices.org_id), ...order)).map(toOrgPrice);
}
