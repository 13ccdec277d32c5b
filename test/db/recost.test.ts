/**
 * Re-costing stored events: each event priced again with the prices in effect
 * when it was made, exactly the affected events changed, the rollups moved by
 * the same deltas (they equal a fresh count of the events afterwards), a
 * chunk at a time, each in one transaction, and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRandom } from "../helpers/random.ts";
import { eventRow } from "../helpers/rows.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { insertEvents, recentEvents } from "../../src/db/events.ts";
import { recostEvents, type StoredCall } from "../../src/db/recost.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createOrg } from "../../src/db/orgs.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { createPriceBook, priceCall, type OrgPrice, type PriceBook } from "../../src/pricing/price-book.ts";
import { builtinPrices, createPriceRegistry, loadPriceRows } from "../../src/pricing/registry.ts";
import type { ProviderId } from "../../src/providers/types.ts";
import { aggregateEvents } from "../../src/stats/aggregate.ts";
import { dayMs } from "../../src/stats/period.ts";

const T0 = Date.UTC(2026, 2, 1);
const change = Date.UTC(2026, 2, 3);
const base = { reasoning_per_mtok: null, cached_input_per_mtok: null, cache_write_per_mtok: null, source: "test", as_of: "2026-03-01" };
const rows = (mAChange: { input: number; output: number }) =>
  loadPriceRows([
    { ...base, provider: "openai", model: "m-a", effective_from: "1970-01-01", input_per_mtok: 1, output_per_mtok: 2 },
    { ...base, provider: "openai", model: "m-a", effective_from: "2026-03-03", input_per_mtok: mAChange.input, output_per_mtok: mAChange.output },
    { ...base, provider: "openai", model: "m-b", effective_from: "1970-01-01", input_per_mtok: 10, output_per_mtok: 20 },
  ]);
/** The registry as shipped: m-a went from 1/2 to 2/4 on 2026-03-03; m-c has no price. */
const v1 = createPriceRegistry(rows({ input: 2, output: 4 }));
/** The same registry after correcting the 2026-03-03 row of m-a: input 3, not 2. */
const v2 = createPriceRegistry(rows({ input: 3, output: 4 }));

const dir = mkdtempSync(join(tmpdir(), "lectr-recost-"));
let db: Database;
let orgId: string;
let otherOrgId: string;
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const asCall = (book: PriceBook) => (c: StoredCall) => priceCall(book, { ...c, provider: c.provider as ProviderId });

/** `count` events over five days (1,300: several chunks), priced as the proxy would have priced them with `book`. */
function events(org: string, book: PriceBook, count: number, seed: number): EventRow[] {
  const r = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const at = T0 + Math.floor(r() * 5 * dayMs);
    const model = ["m-a", "m-b", "m-c"][i % 3]!;
    const ok = r() < 0.85;
    const usage = ok ? { inputTokens: Math.floor(r() * 5000), outputTokens: Math.floor(r() * 800), cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } : undefined;
    const cost = priceCall(book, { provider: "openai", model, responseModel: ok ? model : null, at, usage });
    return eventRow(org, "k", at, {
      model,
      response_model: ok ? model : null,
      status: ok ? 200 : 500,
      error_code: ok ? null : "upstream_error",
      latency_ms: 100 + i,
      input_tokens: usage?.inputTokens ?? null,
      output_tokens: usage?.outputTokens ?? null,
      cached_input_tokens: usage ? 0 : null,
      reasoning_tokens: usage ? 0 : null,
      cache_write_tokens: usage ? 0 : null,
      cost_usd: cost.costUsd,
      price_known: cost.priceKnown,
      cost_source: cost.costSource,
      feature: ["a", null][i % 2] ?? null,
      task: ["chat", "code", null][i % 3] ?? null,
    });
  });
}

async function stored(org = orgId) {
  return (await recentEvents(db.db, org, 100_000)).toSorted((a, b) => a.id.localeCompare(b.id));
}

/** Cost and unpriced counts of every hourly and daily rollup row, against a fresh count of the stored events. */
async function expectRollupsMatchEvents() {
  const fresh = aggregateEvents(await db.db.$client.execute("SELECT * FROM events").then((res) => res.rows.map((r) => ({ ...r, price_known: Boolean(r.price_known) }) as unknown as EventRow)));
  const key = (r: { orgId?: unknown; org_id?: unknown; start?: unknown; hour?: unknown; day?: unknown; provider: unknown; model: unknown; feature?: unknown; task?: unknown }) =>
    [r.orgId ?? r.org_id, r.start ?? r.hour ?? r.day, r.provider, r.model, r.feature ?? "", r.task ?? ""].join("|");
  for (const [table, want] of [
    ["rollups_hourly", fresh.hours],
    ["rollups_daily", fresh.days],
  ] as const) {
    const got = new Map((await db.client.execute(`SELECT * FROM ${table}`)).rows.map((r) => [key(r as never), r]));
    expect(got.size).toBe(want.length);
    for (const w of want) {
      const g = got.get(key(w))!;
      expect(Number(g.unpriced)).toBe(w.unpriced);
      expect(Number(g.cost_usd)).toBeCloseTo(w.costUsd, 12);
    }
  }
}

beforeAll(async () => {
  db = await openDatabase(`file:${join(dir, "lectr.db")}`);
  await migrate(db.client);
  orgId = (await createOrg(db.db, "acme")).org.id;
  otherOrgId = (await createOrg(db.db, "globex")).org.id;
  const book = createPriceBook(v1);
  await insertEvents(db.writePath, events(orgId, book, 1300, 7));
  await insertEvents(db.writePath, events(otherOrgId, book, 200, 11));
});

describe("recostEvents", () => {
  const all = { from: T0, to: T0 + 5 * dayMs };

  test("with the prices the events were recorded at, nothing changes", async () => {
    const totals = await recostEvents(db.writePath, { orgId, ...all }, asCall(createPriceBook(v1)));
    expect(totals).toEqual({ eventsChecked: 1300, eventsChanged: 0, deltaUsd: 0 });
  });

  test("after correcting a registry row, exactly the events it prices change, by the hand-computed delta", async () => {
    const before = await stored();
    // m-a events on or after 2026-03-03 with input tokens: +1 USD per 1M input tokens
    const affected = before.filter((e) => e.model === "m-a" && e.created_at >= change && (e.input_tokens ?? 0) > 0);
    expect(affected.length).toBeGreaterThan(100);
    const delta = affected.reduce((sum, e) => sum + e.input_tokens!, 0) / 1e6;

    const totals = await recostEvents(db.writePath, { orgId, ...all }, asCall(createPriceBook(v2)));
    expect(totals.eventsChanged).toBe(affected.length);
    expect(totals.deltaUsd).toBeCloseTo(delta, 12);

    const after = await stored();
    const changedIds = after.filter((e, i) => e.cost_usd !== before[i]!.cost_usd).map((e) => e.id);
    expect(changedIds).toEqual(affected.map((e) => e.id));
    for (const e of after.filter((x) => changedIds.includes(x.id))) {
      // 3 USD per 1M input + 4 per 1M output
      expect(e.cost_usd!).toBeCloseTo((e.input_tokens! * 3 + e.output_tokens! * 4) / 1e6, 15);
    }
    // old events keep their old price: m-a before the change is still 1 / 2
    for (const e of after.filter((x) => x.model === "m-a" && x.created_at < change && x.input_tokens !== null)) {
      expect(e.cost_usd!).toBeCloseTo((e.input_tokens! * 1 + e.output_tokens! * 2) / 1e6, 15);
    }
    await expectRollupsMatchEvents();
    // idempotent
    expect(await recostEvents(db.writePath, { orgId, ...all }, asCall(createPriceBook(v2)))).toEqual({ eventsChecked: 1300, eventsChanged: 0, deltaUsd: 0 });
  });

  test("an org price for an unpriced model, from a date: only that model's events from then, errors included", async () => {
    const since = Date.UTC(2026, 2, 4);
    const price: OrgPrice = {
      id: "p1", orgId, provider: "openai", model: "m-c", effectiveFrom: since,
      inputPerMTok: 5, cachedInputPerMTok: null, cacheWritePerMTok: null, outputPerMTok: 6, createdAt: since,
    };
    const book = createPriceBook(v2, [price]);
    const before = await stored();
    const mC = before.filter((e) => e.model === "m-c" && e.created_at >= since);

    // naming another model changes nothing
    expect((await recostEvents(db.writePath, { orgId, ...all, model: "m-b" }, asCall(book))).eventsChanged).toBe(0);

    const totals = await recostEvents(db.writePath, { orgId, ...all, model: "m-c" }, asCall(book));
    expect(totals.eventsChecked).toBe(before.filter((e) => e.model === "m-c").length);
    expect(totals.eventsChanged).toBe(mC.length);
    expect(totals.deltaUsd).toBeCloseTo(mC.reduce((sum, e) => sum + (e.input_tokens ?? 0) * 5 + (e.output_tokens ?? 0) * 6, 0) / 1e6, 12);
    const after = new Map((await stored()).map((e) => [e.id, e]));
    for (const e of mC) {
      const a = after.get(e.id)!;
      // a failed call has no usage: its cost stays unknown, but its price is now known
      expect([a.cost_source, a.price_known, a.cost_usd === null]).toEqual(["org_override", true, e.input_tokens === null]);
    }
    expect(before.filter((e) => e.model === "m-c" && e.created_at < since).every((e) => after.get(e.id)!.cost_source === "unpriced")).toBe(true);
    await expectRollupsMatchEvents();
  });

  test("only the period and only the org are touched", async () => {
    const day = { from: Date.UTC(2026, 2, 1, 12), to: Date.UTC(2026, 2, 1, 13) };
    const book = createPriceBook(createPriceRegistry(rows({ input: 3, output: 4 }).map((r) => ({ ...r, inputPerMTok: (r.inputPerMTok ?? 0) + 1 }))));
    const before = await stored();
    const others = await stored(otherOrgId);
    const inside = before.filter((e) => e.created_at >= day.from && e.created_at < day.to && e.model !== "m-c" && (e.input_tokens ?? 0) > 0);
    const totals = await recostEvents(db.writePath, { orgId, ...day }, asCall(book));
    expect(totals.eventsChanged).toBe(inside.length);
    const after = await stored();
    expect(after.filter((e, i) => e.cost_usd !== before[i]!.cost_usd).map((e) => e.id)).toEqual(inside.map((e) => e.id));
    expect(await stored(otherOrgId)).toEqual(others);
    await expectRollupsMatchEvents();
  });
});


test("re-costing keeps the 1-hour part of Anthropic cache writes apart", async () => {
  const org = (await createOrg(db.db, "initech")).org.id;
  const at = T0 + 1000;
  await insertEvents(db.writePath, [
    eventRow(org, "k", at, {
      provider: "anthropic",
      model: "claude-sonnet-4-5-20250929",
      response_model: "claude-sonnet-4-5-20250929",
      input_tokens: 2000,
      output_tokens: 50,
      cached_input_tokens: 1000,
      cache_write_tokens: 600,
      cache_write_1h_tokens: 400,
      reasoning_tokens: null,
      cost_usd: 0,
    }),
  ]);
  const totals = await recostEvents(db.writePath, { orgId: org, from: T0, to: T0 + dayMs }, asCall(createPriceBook(builtinPrices)));
  expect(totals.eventsChanged).toBe(1);
  // 400 × $3 + 1000 × $0.30 + 200 × $3.75 + 400 × $6 (1 hour: 2 × input) + 50 × $15 = 5400 µ$
  expect((await stored(org))[0]!.cost_usd!).toBeCloseTo(0.0054, 12);
});

test("re-costing leaves an unknown cost unknown and a price made from more than the token columns as it was", async () => {
  const { org } = await createOrg(db.db, "recost-kept");
  const at = T0 + 2000;
  const kept = [
    // a successful call that reported no usage: unknown whatever the price now
    eventRow(org.id, "k", at, { model: "gpt-4o-mini", input_tokens: null, output_tokens: null, cost_usd: null, price_known: false, cost_source: "unpriced" }),
    // a batch at half the standard rate, and DALL·E per image: their basis is not all in the token columns
    eventRow(org.id, "k", at + 1, { model: "gpt-4o-mini", input_tokens: 2082, output_tokens: 1000, cost_usd: 0.00045615, cost_source: "registry", price_basis: "batch" }),
    eventRow(org.id, "k", at + 2, { model: "dall-e-3", input_tokens: null, output_tokens: null, billed_units: 1, cost_usd: 0.12, cost_source: "registry", price_basis: "per_image:hd/1024x1792" }),
  ];
  await insertEvents(db.writePath, kept);
  const totals = await recostEvents(db.writePath, { orgId: org.id, from: T0, to: T0 + dayMs }, asCall(createPriceBook(builtinPrices)));
  expect(totals).toEqual({ eventsChecked: 3, eventsChanged: 0, deltaUsd: 0 });
  expect((await stored(org.id)).map((e) => [e.cost_usd, e.price_known])).toEqual([
    [null, false],
    [0.00045615, true],
    [0.12, true],
  ]);
});
