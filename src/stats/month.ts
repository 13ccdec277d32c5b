/**
 * The calendar month's money question: spent so far, last month to the same
 * point and in full, and where the month will end. Pure: rows come from
 * src/db/usage.ts grouped by part (0 month to date, 1 last month to the same
 * point, 2 all of last month) and provider.
 */
import type { Sums } from "./aggregate.ts";
import { costBreakdown, type ProviderCost } from "./reports.ts";
import type { Period } from "./period.ts";

type Row = { part: number; provider: string; model: string; slot: number } & Sums;

export interface MonthSpend {
  timeZone: string;
  /** First millisecond of this month in the zone, and of the next. */
  from: number;
  to: number;
  lastMonthFrom: number;
  asOf: number;
  monthToDateUsd: number;
  /** Last month from its first day to the same time into it (a like-for-like comparison). */
  lastMonthToDateUsd: number;
  lastMonthUsd: number;
  /** Null until enough of the month has passed to extend its trend (see forecastSpend). */
  forecastUsd: number | null;
  requests: number;
  unpricedRequests: number;
  /** Month to date against last month to the same point. */
  providers: ProviderCost[];
}

/** The three parts readUsage answers for a month: to date, last month to the same point, last month whole. */
export function monthParts(month: Period, lastMonth: Period, now: number): [Period, Period, Period] {
  const asOf = Math.min(Math.max(now, month.from + 1), month.to);
  const elapsed = asOf - month.from;
  return [
    { from: month.from, to: asOf },
    { from: lastMonth.from, to: Math.min(lastMonth.from + elapsed, lastMonth.to) },
    lastMonth,
  ];
}

export function monthSpend(timeZone: string, month: Period, parts: [Period, Period, Period], rows: readonly Row[], forecastUsd: number | null): MonthSpend {
  const [toDate, lastToDate, lastMonth] = parts;
  const breakdown = costBreakdown(toDate, lastToDate, rows.filter((r) => r.part < 2));
  const lastMonthUsd = rows.filter((r) => r.part === 2).reduce((sum, r) => sum + r.costUsd, 0);
  return {
    timeZone,
    from: toDate.from,
    to: month.to,
    lastMonthFrom: lastMonth.from,
    asOf: toDate.to,
    monthToDateUsd: breakdown.totalCostUsd,
    lastMonthToDateUsd: breakdown.previousTotalCostUsd,
    lastMonthUsd,
    forecastUsd,
    requests: breakdown.requests,
    unpricedRequests: breakdown.unpricedRequests,
    providers: breakdown.providers,
  };
}
