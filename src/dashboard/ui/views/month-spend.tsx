/**
 * The money question, whatever the period picker says: this calendar month
 * to date against last month to the same day, all of last month, and where
 * this month will end.
 */
import { delta, money, moneyDelta } from "../format.ts";

/** The fields MonthSpend shows, for the view's one query. */
export const monthFields = "timeZone from to asOf monthToDateUsd lastMonthToDateUsd lastMonthUsd forecastUsd unpricedRequests";

export interface Month {
  timeZone: string;
  from: string;
  to: string;
  asOf: string;
  monthToDateUsd: number;
  lastMonthToDateUsd: number;
  lastMonthUsd: number;
  forecastUsd: number | null;
  unpricedRequests: number;
}

const monthName = (iso: string, timeZone: string) => new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone }).format(new Date(iso));

export function MonthSpend({ month: m }: { month: Month }) {
  const last = new Date(Date.parse(m.from) - 1).toISOString();
  const change = delta(m.monthToDateUsd, m.lastMonthToDateUsd);
  return (
    <section class="stats month" aria-label={`Spend in ${monthName(m.from, m.timeZone)}`} data-month={m.from}>
      <div class="stat" data-stat="monthToDate" data-value={m.monthToDateUsd}>
        <span class="stat-label">
          {monthName(m.from, m.timeZone)} to date <span class="muted">({m.timeZone})</span>
        </span>
        <span class="stat-value">{money(m.monthToDateUsd)}</span>
        <span class="stat-change" title={`${monthName(last, m.timeZone)} to the same point: ${money(m.lastMonthToDateUsd)}`}>
          {change} <span class="muted">({moneyDelta(m.monthToDateUsd, m.lastMonthToDateUsd)}) vs last month to the same day</span>
        </span>
      </div>
      <div class="stat" data-stat="lastMonth" data-value={m.lastMonthUsd}>
        <span class="stat-label">{monthName(last, m.timeZone)}</span>
        <span class="stat-value">{money(m.lastMonthUsd)}</span>
        <span class="stat-change muted">the whole month</span>
      </div>
      <div class="stat" data-stat="forecast" data-value={m.forecastUsd ?? ""}>
        <span class="stat-label">Forecast for {monthName(m.from, m.timeZone)}</span>
        <span class="stat-value">{m.forecastUsd == null ? "—" : money(m.forecastUsd)}</span>
        <span class="stat-change muted">
          {m.forecastUsd == null ? "once a tenth of the month has passed" : <>{delta(m.forecastUsd, m.lastMonthUsd)} vs last month's total</>}
        </span>
      </div>
    </section>
  );
}
