/** The right-now state of a provider against its own baseline, and the hours marked as incidents. */
import { expect, test } from "bun:test";
import { healthState, incidentHours } from "../../src/dashboard/ui/health-state.ts";

const w = (requests: number, errors: number, p95LatencyMs: number | null = 500) => ({ requests, errors, errorRate: requests ? errors / requests : 0, p95LatencyMs });

test.each([
  ["no traffic now", w(0, 0), w(1000, 10), "idle"],
  ["Groq at 30.8 % against a usual 2.7 %", w(130, 40), w(10_000, 270), "failing"],
  ["one error in three requests is noise", w(3, 1), w(10_000, 10), "ok"],
  ["a provider that always fails 20 % is as usual at 21 %", w(100, 21), w(10_000, 2000), "ok"],
  ["8 points above its usual rate", w(100, 10), w(10_000, 200), "worse"],
  ["p95 twice the usual", w(50, 0, 2400), w(10_000, 0, 1000), "worse"],
  ["a slow p95 over too few requests to say", w(5, 0, 2400), w(10_000, 0, 1000), "ok"],
  ["errors with no baseline at all", w(10, 5), w(0, 0, null), "failing"],
] as const)("%s → %s", (_name, now, baseline, expected) => {
  expect(healthState(now, baseline)).toBe(expected);
});

test("incident hours: at least 5 errors and a quarter of the requests", () => {
  const p = (start: string, requests: number, errors: number) => ({ start, requests, errors });
  expect(incidentHours([p("a", 0, 0), p("b", 20, 5), p("c", 21, 5), p("d", 8, 4), p("e", 100, 90)])).toEqual(["b", "e"]);
});
