import { describe, expect, test } from "bun:test";
import { isTimeZone, periodBounds, type BudgetPeriod } from "../../src/budgets/budget-period.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe("periodBounds", () => {
  const cases: [BudgetPeriod, string, string, string, string][] = [
    ["day", "UTC", "2026-03-14T15:09:26Z", "2026-03-14T00:00:00.000Z", "2026-03-15T00:00:00.000Z"],
    ["day", "UTC", "2026-03-14T00:00:00Z", "2026-03-14T00:00:00.000Z", "2026-03-15T00:00:00.000Z"],
    ["day", "UTC", "2026-03-14T23:59:59.999Z", "2026-03-14T00:00:00.000Z", "2026-03-15T00:00:00.000Z"],
    // 2026-03-14 is a Saturday: the ISO week began Monday the 9th
    ["week", "UTC", "2026-03-14T15:00:00Z", "2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"],
    ["week", "UTC", "2026-03-16T00:00:00Z", "2026-03-16T00:00:00.000Z", "2026-03-23T00:00:00.000Z"],
    ["week", "UTC", "2026-03-15T23:59:59Z", "2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"],
    ["week", "UTC", "2026-12-31T12:00:00Z", "2026-12-28T00:00:00.000Z", "2027-01-04T00:00:00.000Z"],
    ["month", "UTC", "2026-12-31T23:59:59Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["month", "UTC", "2028-02-29T10:00:00Z", "2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z"],
    // 23:30 UTC on the 14th is already the 15th in Berlin (UTC+1 in winter)
    ["day", "Europe/Berlin", "2026-03-14T23:30:00Z", "2026-03-14T23:00:00.000Z", "2026-03-15T23:00:00.000Z"],
    // the day clocks go forward in Berlin (29 March 2026) has 23 hours
    ["day", "Europe/Berlin", "2026-03-29T12:00:00Z", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"],
    // and the day they go back (25 October 2026) has 25
    ["day", "Europe/Berlin", "2026-10-25T12:00:00Z", "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z"],
    ["month", "America/New_York", "2026-03-01T03:00:00Z", "2026-02-01T05:00:00.000Z", "2026-03-01T05:00:00.000Z"],
    ["month", "Asia/Kolkata", "2026-01-31T19:00:00Z", "2026-01-31T18:30:00.000Z", "2026-02-28T18:30:00.000Z"],
    // Samoa skipped 30 December 2011 entirely
    ["day", "Pacific/Apia", "2011-12-30T09:00:00Z", "2011-12-29T10:00:00.000Z", "2011-12-30T10:00:00.000Z"],
  ];
  for (const [period, tz, now, start, end] of cases) {
    test(`${period} ${tz} at ${now}`, () => {
      const b = periodBounds(period, tz, at(now));
      expect({ start: iso(b.start), end: iso(b.end) }).toEqual({ start, end });
    });
  }

  test("every instant of a year lies in exactly one period, and consecutive periods meet", () => {
    for (const tz of ["UTC", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe"]) {
      for (const period of ["day", "week", "month"] as const) {
        let t = at("2026-01-01T00:00:00Z");
        let prev = periodBounds(period, tz, t);
        for (let i = 0; i < 400; i++) {
          const next = periodBounds(period, tz, prev.end);
          expect(next.start).toBe(prev.end);
          expect(next.end).toBeGreaterThan(next.start);
          const mid = periodBounds(period, tz, next.end - 1);
          expect(mid).toEqual(next);
          prev = next;
          t = next.end;
          if (t > at("2027-01-01T00:00:00Z")) break;
        }
      }
    }
  });

  test("time zones are checked", () => {
    expect([isTimeZone("UTC"), isTimeZone("Europe/Berlin"), isTimeZone("Mars/Olympus"), isTimeZone("")]).toEqual([true, true, false, false]);
  });
});
