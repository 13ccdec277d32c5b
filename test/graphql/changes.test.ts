/**
 * spendChanges: spend per model, provider, feature or key in a period
 * against the one before (or any other), largest change first, groups gone
 * or new included, untagged as null; bad limits are BAD_USER_INPUT.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { eventRow } from "../helpers/rows.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

let l: TestLectr;
let gql: Gql;
const day = 86_400_000;
const t0 = Date.UTC(2026, 5, 10);
const period = `{ from: "${new Date(t0).toISOString()}", to: "${new Date(t0 + day).toISOString()}" }`;

beforeAll(async () => {
  l = await startLectr();
  gql = gqlClient(l, orgKey(l.key));
  const at = (d: number) => t0 + d * day + 3_600_000;
  await insertEvents(l.lectr.database.writePath, [
    // now: gpt-4o $3 (support), groq $1 (untagged)
    eventRow(l.orgId, "k", at(0), { cost_usd: 3, feature: "support" }),
    eventRow(l.orgId, "k", at(0), { provider: "groq", model: "llama-3.3-70b-versatile", cost_usd: 1 }),
    // the day before: gpt-4o $1 (support), gpt-4o-mini $2.5 (search), gone since
    eventRow(l.orgId, "k", at(-1), { cost_usd: 1, feature: "support" }),
    eventRow(l.orgId, "k", at(-1), { model: "gpt-4o-mini", cost_usd: 2.5, feature: "search" }),
    // a week before: gpt-4o $6
    eventRow(l.orgId, "k", at(-7), { cost_usd: 6 }),
  ]);
});

afterAll(() => l?.stop());

const fields = "key label costUsd previousCostUsd changeUsd changePct requests previousRequests";

test("by model against the day before: the largest change first, a model gone since included", async () => {
  const r = await gql(`{ spendChanges(period: ${period}, by: MODEL) { previousFrom previousTo changes { ${fields} } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.spendChanges).toEqual({
    previousFrom: new Date(t0 - day).toISOString(),
    previousTo: new Date(t0).toISOString(),
    changes: [
      { key: "gpt-4o-mini", label: "gpt-4o-mini", costUsd: 0, previousCostUsd: 2.5, changeUsd: -2.5, changePct: -100, requests: 0, previousRequests: 1 },
      { key: "gpt-4o", label: "gpt-4o", costUsd: 3, previousCostUsd: 1, changeUsd: 2, changePct: 200, requests: 1, previousRequests: 1 },
      { key: "llama-3.3-70b-versatile", label: "llama-3.3-70b-versatile", costUsd: 1, previousCostUsd: 0, changeUsd: 1, changePct: null, requests: 1, previousRequests: 0 },
    ],
  });
});

test("by provider and by feature (untagged as null), against any other period", async () => {
  const weekBefore = `{ from: "${new Date(t0 - 7 * day).toISOString()}", to: "${new Date(t0 - 6 * day).toISOString()}" }`;
  const r = await gql(`{ p: spendChanges(period: ${period}, previous: ${weekBefore}, by: PROVIDER) { changes { key changeUsd } } f: spendChanges(period: ${period}, by: FEATURE, limit: 3) { changes { key changeUsd } } }`);
  expect(r.data.p.changes).toEqual([
    { key: "OPENAI", changeUsd: -3 },
    { key: "GROQ", changeUsd: 1 },
  ]);
  expect(r.data.f.changes).toEqual([
    { key: "search", changeUsd: -2.5 },
    { key: "support", changeUsd: 2 },
    { key: null, changeUsd: 1 },
  ]);
  const bad = await gql(`{ spendChanges(period: ${period}, by: MODEL, limit: 0) { from } }`);
  expect(bad.errors?.[0]).toMatchObject({ message: "limit must be between 1 and 100.", extensions: { code: "BAD_USER_INPUT" } });
});
