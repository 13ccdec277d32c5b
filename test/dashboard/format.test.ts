/** The dashboard's numbers as people read them (en-US, as the browser tests run). */
import { expect, test } from "bun:test";
import { count, delta, duration, millis, money, moneyColumn, moneyDelta, percent, pointsDelta, spend } from "../../src/dashboard/ui/format.ts";
import { previous, periodOf } from "../../src/dashboard/ui/period.ts";

test("money keeps three significant digits under a dollar and cents above; percent and change with Intl", () => {
  expect([0, 0.0148, 0.0138, 0.5, 0.000044, 1, 1234.5, null].map(money)).toEqual(["$0.00", "$0.0148", "$0.0138", "$0.50", "$0.000044", "$1.00", "$1,234.50", "—"]);
  expect([count(1115), percent(1 / 9), millis(45.2)]).toEqual(["1,115", "11.1%", "45 ms"]);
  expect([delta(125, 100), delta(90, 100), delta(5, 0), delta(0, 0)]).toEqual(["+25%", "-10%", "new", "±0%"]);
});

test("a change against a tiny base is new, not +49,677,129,105 %; a rate changes in points; a dollar change is signed", () => {
  expect([delta(496.77, 0.00000001), delta(20, 1), delta(19.9, 1), delta(0, 3)]).toEqual(["new", "+1,900%", "+1,890%", "-100%"]);
  expect([pointsDelta(0.308, 0.027), pointsDelta(0.02, 0.05), pointsDelta(0.1, 0.1)]).toEqual(["+28.1 pts", "-3 pts", "0 pts"]);
  expect([moneyDelta(12.5, 10), moneyDelta(0.0031, 0.0062), moneyDelta(1, 1)]).toEqual(["+$2.50", "-$0.0031", "$0.00"]);
});

test("the URL's period: a preset ends now, custom is [from, to), anything else is the last 24 h; the previous period ends where it starts", () => {
  const now = Date.UTC(2026, 4, 1, 12);
  expect(periodOf(new URLSearchParams("period=7d"), now)).toEqual({ from: now - 7 * 86_400_000, to: now });
  expect(periodOf(new URLSearchParams("period=custom&from=2026-04-01T00:00Z&to=2026-04-02T00:00Z"), now)).toEqual({ from: Date.UTC(2026, 3, 1), to: Date.UTC(2026, 3, 2) });
  expect(periodOf(new URLSearchParams("period=custom&from=2026-04-02T00:00Z&to=2026-04-01T00:00Z"), now)).toEqual({ from: now - 86_400_000, to: now });
  expect(periodOf(new URLSearchParams("period=<script>"), now)).toEqual({ from: now - 86_400_000, to: now });
  expect(previous({ from: 100, to: 160 })).toEqual({ from: 40, to: 100 });
});

test("latency in ms under a second and in s from one on; a money column shares its decimals; unknown spend is never $0.00", () => {
  expect([duration(840.4), duration(999), duration(1000), duration(1250), duration(27_037), duration(null)]).toEqual(["840 ms", "999 ms", "1 s", "1.25 s", "27 s", "—"]);
  const usd = moneyColumn([0.811, 0.28, 0, 12]);
  expect([usd(0.811), usd(0.28), usd(0), usd(12)]).toEqual(["$0.811", "$0.280", "$0.000", "$12.000"]);
  const tiny = moneyColumn([0.000001, 3]);
  expect(tiny(0.000001)).toBe("$0.00000100");
  expect(moneyColumn([5, 1234.5])(1234.5)).toBe("$1,234.50");
  expect([spend(0, 3, 3), spend(1.5, 4, 1), spend(1.5, 4, 0), spend(0, 0, 0)]).toEqual(["unknown", "$1.50 + 1 unknown", "$1.50", "$0.00"]);
});
