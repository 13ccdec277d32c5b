/**
 * Budget periods: the calendar day, ISO week (Monday first) or month that
 * holds an instant, in UTC or an IANA time zone. Pure; time zones go through
 * Intl, so daylight-saving days are 23 or 25 hours long, as the wall clock says.
 */
import type { BudgetPeriod } from "../db/budgets.ts";

export type { BudgetPeriod };

export const budgetPeriods: readonly BudgetPeriod[] = ["day", "week", "month"];

export interface PeriodBounds {
  /** First millisecond of the period (inclusive). */
  start: number;
  /** First millisecond of the next period (exclusive): the budget's reset time. */
  end: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (formats.size > 200) formats.clear();
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone ("UTC", "Europe/Berlin"); checked when a budget is saved. */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(at: number, timeZone: string): WallClock {
  if (timeZone === "UTC") {
    const d = new Date(at);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(at)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at `at`, in ms (east positive), to the second. */
function offsetAt(at: number, timeZone: string): number {
  if (timeZone === "UTC") return 0;
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The first instant the zone's clock shows the given date: midnight, or,
 * where a transition skips midnight, the first moment after it. That instant
 * is `naive − offset` for the offset in force then, which is the offset on
 * one side of any nearby transition: try both sides, keep the earliest that
 * lands on the date or later.
 */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day);
  if (timeZone === "UTC") return naive;
  let first = Infinity;
  for (const probe of [naive - 36 * 3_600_000, naive, naive + 36 * 3_600_000]) {
    const candidate = naive - offsetAt(probe, timeZone);
    const w = wallClock(candidate, timeZone);
    if (Date.UTC(w.year, w.month - 1, w.day) >= naive) first = Math.min(first, candidate);
  }
  return first;
}

export function periodBounds(period: BudgetPeriod, timeZone: string, at: number): PeriodBounds {
  const w = wallClock(at, timeZone);
  let from: [number, number, number];
  let to: [number, number, number];
  if (period === "day") {
    from = [w.year, w.month, w.day];
    to = [w.year, w.month, w.day + 1];
  } else if (period === "week") {
    // ISO weeks start on Monday: getUTCDay of the wall date, 0 = Sunday
    const weekday = (new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7;
    from = [w.year, w.month, w.day - weekday];
    to = [w.year, w.month, w.day - weekday + 7];
  } else {
    from = [w.year, w.month, 1];
    to = [w.year, w.month + 1, 1];
  }
  return { start: midnightOf(from, timeZone), end: midnightOf(to, timeZone) };
}

/** Normalises day/month overflow (day 32, month 13) through Date.UTC before asking the zone. */
function midnightOf([y, m, d]: [number, number, number], timeZone: string): number {
  const n = new Date(Date.UTC(y, m - 1, d));
  return localMidnight(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate(), timeZone);
}
