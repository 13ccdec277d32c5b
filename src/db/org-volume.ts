/** How many events orgs recorded per UTC day, from the daily rollups: what a period's scan of events will read, known before reading it. */
import { inArray, and, gte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { rollupsDaily } from "./tables.ts";

export interface DailyRequests {
  org_id: string;
  day: number;
  requests: number;
}

/** Requests per org and day since `since`: a row per org per day (a few hundred rows for a batch of orgs). */
export async function dailyRequests(db: Db, orgIds: readonly string[], since: number): Promise<DailyRequests[]> {
  if (orgIds.length === 0) return [];
  return db
    .select({ org_id: rollupsDaily.org_id, day: rollupsDaily.day, requests: sql<number>`SUM(${rollupsDaily.requests})` })
    .from(rollupsDaily)
    .where(and(inArray(rollupsDaily.org_id, [...orgIds]), gte(rollupsDaily.day, since)))
    .groupBy(rollupsDaily.org_id, rollupsDaily.day);
}
