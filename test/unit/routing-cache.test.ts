/** The rules cache: refresh() after a change sees the change, even while a reload that read before it is still running. */
import { expect, test } from "bun:test";
import { startRulesCache } from "../../src/routing/cache.ts";
import type { RoutingRule } from "../../src/routing/rules.ts";

const rule = (id: string): RoutingRule => ({
  id, orgId: "o", position: 0, feature: null, task: null, model: "gpt-4o", provider: null, targetModel: "gpt-4o-mini", targetProvider: null, percent: 100, enabled: true,
});

test("a refresh asked for during a reload waits for a reload that starts after it", async () => {
  let stored = [rule("old")];
  const reads: { rules: RoutingRule[]; release: () => void }[] = [];
  const load = () =>
    new Promise<RoutingRule[]>((resolve) => {
      // reads the table now, answers when released
      const rules = stored;
      reads.push({ rules, release: () => resolve(rules) });
    });
  const starting = startRulesCache(load, 60_000, (e) => {
    throw e;
  });
  reads[0]!.release();
  const cache = await starting;
  expect(cache.forOrg("o").map((r) => r.id)).toEqual(["old"]);

  // a reload (say, the timer's) reads the table, then a mutation changes it and asks for a refresh
  const inFlight = cache.refresh();
  expect(reads.length).toBe(2);
  stored = [rule("new")];
  let done = false;
  const afterChange = cache.refresh().then(() => (done = true));
  // callers meanwhile share the one queued reload
  void cache.refresh();
  reads[1]!.release();
  await inFlight;
  expect([done, cache.forOrg("o").map((r) => r.id)]).toEqual([false, ["old"]]);
  await Promise.resolve();
  expect(reads.length).toBe(3);
  reads[2]!.release();
  await afterChange;
  expect(cache.forOrg("o").map((r) => r.id)).toEqual(["new"]);
  expect(reads.length).toBe(3);
  cache.stop();
});
