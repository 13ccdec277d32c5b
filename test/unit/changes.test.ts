/** rankChanges: groups of either period joined by value, the largest change in dollars first, untagged kept apart from a tag named "null". */
import { expect, test } from "bun:test";
import { rankChanges } from "../../src/stats/changes.ts";

const g = (value: string | null, cost_usd: number, requests = 1) => ({ values: [value], labels: [value], cost_usd, requests });

test("joined by value, ranked by the size of the change, cut at the limit", () => {
  const out = rankChanges([g("a", 5), g("b", 1), g(null, 2), g("null", 0.5)], [g("a", 4), g("c", 3), g(null, 1)], 10);
  expect(out.map((r) => [r.value, r.changeUsd, r.changePct])).toEqual([
    ["c", -3, -100],
    // equal changes: the larger spend now first
    ["a", 1, 25],
    [null, 1, 100],
    ["b", 1, null],
    ["null", 0.5, null],
  ]);
  expect(rankChanges([g("a", 5)], [g("b", 9)], 1)).toEqual([{ value: "b", label: "b", costUsd: 0, previousCostUsd: 9, changeUsd: -9, changePct: -100, requests: 0, previousRequests: 1 }]);
});
