/** The rows a scan of events is estimated to read, from an org's recent volume. */
import { expect, test } from "bun:test";
import { estimateRows, volumesOf } from "../../src/graphql/scan.ts";

const day = 86_400_000;

test("an org's volume: requests over the window and on its busiest day; orgs without rows have none", () => {
  const rows = [
    { org_id: "a", requests: 100 },
    { org_id: "a", requests: 300 },
    { org_id: "b", requests: 5 },
    { org_id: "other", requests: 1e6 },
  ];
  expect(Object.fromEntries(volumesOf(["a", "b", "c"], rows))).toEqual({ a: { total: 400, peakDay: 300 }, b: { total: 5, peakDay: 5 }, c: { total: 0, peakDay: 0 } });
});

test("rows over a period: the busiest day's volume per day, at most the window's total inside it, more beyond it", () => {
  const oneMillion = { total: 1_000_000, peakDay: 40_000 };
  expect([
    estimateRows(oneMillion, 30 * day),
    estimateRows(oneMillion, 7 * day),
    estimateRows(oneMillion, 60_000),
    estimateRows(oneMillion, 90 * day),
    estimateRows({ total: 0, peakDay: 0 }, 90 * day),
  ]).toEqual([1_000_000, 280_000, Math.ceil(40_000 / 24), 1_000_000 + 60 * 40_000, 0]);
});
