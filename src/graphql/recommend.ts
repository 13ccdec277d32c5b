/** An org's recommendations over a period: the rollups read once, then src/recommend decides. */
import type { GraphqlContext } from "./context.ts";
import { readUsage } from "../db/usage.ts";
import type { ProviderId } from "../providers/types.ts";
import { assess, type Recommendation } from "../recommend/recommend.ts";
import type { Period } from "../stats/period.ts";

/** The period recommendations look at when none is given, and the one applyRecommendation checks against. */
export const defaultRecommendationPreset = "LAST_30_DAYS" as const;

export async function orgRecommendations(ctx: GraphqlContext, orgId: string, period: Period, provider?: ProviderId | null): Promise<Recommendation[]> {
  return (await orgAssessment(ctx, orgId, period, provider)).recommendations;
}

/** Recommendations and the models left without one, with why. */
export async function orgAssessment(ctx: GraphqlContext, orgId: string, period: Period, provider?: ProviderId | null): Promise<ReturnType<typeof assess>> {
  const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider", "model", "task"], provider });
  const usage = rows.map((r) => ({ ...r, provider: r.provider as ProviderId, task: r.task || null }));
  return assess(usage, { period, prices: ctx.deps.prices });
}
