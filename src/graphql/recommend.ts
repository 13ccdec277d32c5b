/** An org's recommendations over a period: the rollups read once, then src/recommend decides. */
import type { GraphqlContext } from "./context.ts";
import { readUsage } from "../db/usage.ts";
import type { ProviderId } from "../providers/types.ts";
import { recommend, type Recommendation } from "../recommend/recommend.ts";
import type { Period } from "../stats/period.ts";

/** The period recommendations look at when none is given, and the one applyRecommendation checks against. */
export const defaultRecommendationPreset = "LAST_30_DAYS" as const;

export async function orgRecommendations(ctx: GraphqlContext, orgId: string, period: Period, provider?: ProviderId | null): Promise<Recommendation[]> {
  const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider", "model", "task"], provider });
  const usage = rows.map((r) => ({ ...r, provider: r.provider as ProviderId, task: r.task || null }));
  return recommend(usage, { period, prices: ctx.deps.prices });
}
