/** A replica's memory of the objects whose usage it recorded: repeats lose their usage at once; bounded. */
import { expect, test } from "bun:test";
import { createClaimMemory } from "../../src/proxy/claims.ts";
import { eventRow } from "../helpers/rows.ts";

const at = Date.UTC(2026, 5, 1);
const read = (org: string, claim: string | null, i: number) => eventRow(org, "k", at + i, { input_tokens: 100, output_tokens: 20, cost_usd: 0.001, usage_claim: claim });
const kept = (e: { input_tokens?: number | null; cost_usd?: number | null }) => [e.input_tokens, e.cost_usd];

test("the first event of an object keeps its usage; a repeat in the same org loses it; other orgs, objects and unclaimed events are untouched", () => {
  const memory = createClaimMemory();
  expect(kept(memory.settle(read("o1", "response:r1", 0)))).toEqual([100, 0.001]);
  expect(kept(memory.settle(read("o1", "response:r1", 1)))).toEqual([null, null]);
  expect(kept(memory.settle(read("o2", "response:r1", 2)))).toEqual([100, 0.001]);
  expect(kept(memory.settle(read("o1", "batch:b1", 3)))).toEqual([100, 0.001]);
  expect(kept(memory.settle(read("o1", null, 4)))).toEqual([100, 0.001]);
  expect(kept(memory.settle(read("o1", null, 5)))).toEqual([100, 0.001]);
});

test("an event without usage is not remembered: the next one with usage counts", () => {
  const memory = createClaimMemory();
  const running = { ...read("o1", "response:r1", 0), input_tokens: null, output_tokens: null, cost_usd: null };
  expect(memory.settle(running)).toBe(running);
  expect(kept(memory.settle(read("o1", "response:r1", 1)))).toEqual([100, 0.001]);
});

test("bounded: past the limit the oldest objects are forgotten (the database still decides)", () => {
  const memory = createClaimMemory(2);
  for (const [i, claim] of ["a", "b", "c"].entries()) memory.settle(read("o1", claim, i));
  expect(kept(memory.settle(read("o1", "a", 3)))).toEqual([100, 0.001]);
  expect(kept(memory.settle(read("o1", "c", 4)))).toEqual([null, null]);
});
