/**
 * Costs through GraphQL: the org's own prices (setModelPrice, modelPrices),
 * what is unpriced (unpricedModels, costBreakdown.unpricedRequests), fixing
 * history (recostEvents) across a price change in the middle of the period,
 * the Azure deployment map in settings, and tenancy for every one of them.
 * Events are built by the proxy's own buildEvent at chosen times, so each
 * expected cost is computed by hand from src/pricing/prices.json.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { createOrg } from "../../src/db/orgs.ts";
import type { EventRow } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { createPriceBook } from "../../src/pricing/price-book.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";
import type { Usage } from "../../src/providers/types.ts";
import { buildEvent } from "../../src/proxy/event.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { bearer, gqlClient, orgKey, type Gql } from "./client.ts";
import { usage } from "../helpers/rows.ts";

const adminToken = "admin-token-for-cost-tests-0123456789";
let l: TestLectr;
let a: Gql;
let b: Gql;
let admin: Gql;
let orgB: string;


/** An event as the proxy records it at `at`, priced with `book` (default: the registry alone). */
function eventAt(orgId: string, at: string, model: string, u: Usage | undefined, book = createPriceBook(builtinPrices)): EventRow {
  const createdAt = Date.parse(at);
  return buildEvent(
    {
      id: uuidv7(createdAt),
      orgId,
      keyId: "k",
      createdAt,
      endpoint: "/v1/chat/completions",
      provider: "openai",
      providerSource: "detected",
      providerUnknown: false,
      model,
      streamed: false,
      tags: { feature: null, task: null },
      routing: { ruleId: null, fromModel: null, skipped: null },
    },
    { status: 200, errorCode: null, latencyMs: 100, ttfbMs: 50, usage: u, responseModel: u ? model : undefined },
    book,
  );
}

const period = `{ from: "2025-06-09T00:00:00Z", to: "2025-06-13T00:00:00Z" }`;
const costs = async (client: Gql = a) => {
  const r = await client(`{ costBreakdown(period: ${period}) { totalCostUsd requests unpricedRequests } unpricedModels(period: ${period}) { model provider requests tokens inputTokens outputTokens } }`);
  expect(r.errors).toBeUndefined();
  return r.data;
};
const eventCosts = async () => {
  const r = await a(`{ events(first: 500) { edges { node { createdAt model costUsd priceKnown costSource } } } }`);
  return Object.fromEntries(r.data.events.edges.map((e: { node: { createdAt: string; model: string } & Record<string, unknown> }) => [`${e.node.createdAt} ${e.node.model}`, e.node]));
};

beforeAll(async () => {
  l = await startLectr({ env: { LECTR_ADMIN_TOKEN: adminToken, LECTR_ALLOW_PRIVATE_UPSTREAMS: "true" } });
  const created = await createOrg(l.lectr.database.db, "globex");
  orgB = created.org.id;
  a = gqlClient(l, orgKey(l.key));
  b = gqlClient(l, orgKey(created.key));
  admin = gqlClient(l, bearer(adminToken));
  // o3's list price fell on 2025-06-10 (10 / – / 40 → 2 / 0.5 / 8): the period spans the change.
  await insertEvents(l.lectr.database.writePath, [
    // 1000 × 10 + 500 × 40 = 30000 → $0.03 (the old price)
    eventAt(l.orgId, "2025-06-09T12:00:00Z", "o3", usage(1000, 500, { reasoningTokens: 300 })),
    // 1000 × 2 + 500 × 8 = 6000 → $0.006 (the new price)
    eventAt(l.orgId, "2025-06-11T12:00:00Z", "o3", usage(1000, 500)),
    // a fine-tuned model the registry cannot know
    eventAt(l.orgId, "2025-06-11T13:00:00Z", "ft:gpt-4o-mini:acme::abc123", usage(2000, 100)),
    // 600 × 2 + 400 × 0.5 + 500 × 8 = 1200 + 200 + 4000 = 5400 → $0.0054
    eventAt(l.orgId, "2025-06-12T12:00:00Z", "o3", usage(1000, 500, { cachedInputTokens: 400 })),
    // another org's unpriced traffic: never A's
    eventAt(orgB, "2025-06-11T14:00:00Z", "b-private-model", usage(7, 7)),
  ]);
});
afterAll(() => l.stop());

describe("a price change in the middle of the period", () => {
  test("each event keeps the price in effect when it was made; the unpriced one is counted apart", async () => {
    expect(await costs()).toEqual({
      costBreakdown: { totalCostUsd: expect.closeTo(0.0414, 12), requests: 4, unpricedRequests: 1 },
      unpricedModels: [{ model: "ft:gpt-4o-mini:acme::abc123", provider: "OPENAI", requests: 1, tokens: 2100, inputTokens: 2000, outputTokens: 100 }],
    });
    const e = await eventCosts();
    expect(e["2025-06-09T12:00:00.000Z o3"]).toMatchObject({ costUsd: expect.closeTo(0.03, 15), costSource: "registry", priceKnown: true });
    expect(e["2025-06-11T12:00:00.000Z o3"]).toMatchObject({ costUsd: expect.closeTo(0.006, 15), costSource: "registry" });
    expect(e["2025-06-11T13:00:00.000Z ft:gpt-4o-mini:acme::abc123"]).toMatchObject({ costUsd: null, costSource: "unpriced", priceKnown: false });
  });

  test("a negotiated price from 2025-06-11: history is untouched until re-costed, then exactly the later events change", async () => {
    const set = await a(
      `mutation { setModelPrice(model: "o3", provider: OPENAI, inputPerMTok: 1.5, outputPerMTok: 6, cachedInputPerMTok: 0.375, effectiveFrom: "2025-06-11") { model provider effectiveFrom inputPerMTok cachedInputPerMTok cacheWritePerMTok outputPerMTok inEffect } }`,
    );
    expect(set.data.setModelPrice).toEqual({
      model: "o3", provider: "OPENAI", effectiveFrom: "2025-06-11T00:00:00.000Z",
      inputPerMTok: 1.5, cachedInputPerMTok: 0.375, cacheWritePerMTok: null, outputPerMTok: 6, inEffect: true,
    });
    // stored costs are history: a new price changes nothing until recostEvents
    expect((await costs()).costBreakdown.totalCostUsd).toBeCloseTo(0.0414, 12);

    const r = await a(`mutation { recostEvents(period: ${period}) { from to eventsChecked eventsChanged deltaUsd } }`);
    // 06-11: 1000 × 1.5 + 500 × 6 = 4500 → $0.0045 (−0.0015); 06-12: 600 × 1.5 + 400 × 0.375 + 500 × 6 = 4050 → $0.00405 (−0.00135)
    expect(r.data.recostEvents).toEqual({
      from: "2025-06-09T00:00:00.000Z", to: "2025-06-13T00:00:00.000Z",
      eventsChecked: 4, eventsChanged: 2, deltaUsd: expect.closeTo(-0.00285, 12),
    });
    const e = await eventCosts();
    expect(e["2025-06-09T12:00:00.000Z o3"]).toMatchObject({ costUsd: expect.closeTo(0.03, 15), costSource: "registry" });
    expect(e["2025-06-11T12:00:00.000Z o3"]).toMatchObject({ costUsd: expect.closeTo(0.0045, 15), costSource: "org_override" });
    expect(e["2025-06-12T12:00:00.000Z o3"]).toMatchObject({ costUsd: expect.closeTo(0.00405, 15), costSource: "org_override" });
    // the totals moved by exactly the delta
    expect((await costs()).costBreakdown.totalCostUsd).toBeCloseTo(0.03855, 12);
    // idempotent
    expect((await a(`mutation { recostEvents(period: ${period}) { eventsChanged deltaUsd } }`)).data.recostEvents).toEqual({ eventsChanged: 0, deltaUsd: 0 });
  });

  test("correcting that row (same date, new output price) and re-costing changes the same two events again", async () => {
    const set = await a(`mutation { setModelPrice(model: "o3", provider: OPENAI, inputPerMTok: 1.5, outputPerMTok: 7, cachedInputPerMTok: 0.375, effectiveFrom: "2025-06-11") { inEffect } }`);
    expect(set.data.setModelPrice.inEffect).toBe(true);
    const list = await a(`{ modelPrices(model: "o3") { outputPerMTok inEffect } }`);
    // both rows are kept; only the later one prices
    expect(list.data.modelPrices).toEqual([{ outputPerMTok: 6, inEffect: false }, { outputPerMTok: 7, inEffect: true }]);
    const r = await a(`mutation { recostEvents(period: ${period}, model: "o3") { eventsChecked eventsChanged deltaUsd } }`);
    // +500 × 1 USD per 1M output on each: 4500 → 5000, 4050 → 4550
    expect(r.data.recostEvents).toEqual({ eventsChecked: 3, eventsChanged: 2, deltaUsd: expect.closeTo(0.001, 12) });
    expect((await costs()).costBreakdown.totalCostUsd).toBeCloseTo(0.03955, 12);
  });

  test("pricing the unpriced model and re-costing it: nothing is left out any more", async () => {
    const set = await a(`mutation { setModelPrice(model: "ft:gpt-4o-mini:acme::abc123", provider: OPENAI, inputPerMTok: 3, outputPerMTok: 9, effectiveFrom: "2025-01-01") { id } }`);
    expect(set.errors).toBeUndefined();
    const r = await a(`mutation { recostEvents(period: ${period}, model: "ft:gpt-4o-mini:acme::abc123") { eventsChanged deltaUsd } }`);
    // 2000 × 3 + 100 × 9 = 6900 → $0.0069
    expect(r.data.recostEvents).toEqual({ eventsChanged: 1, deltaUsd: expect.closeTo(0.0069, 12) });
    expect(await costs()).toEqual({ costBreakdown: { totalCostUsd: expect.closeTo(0.04645, 12), requests: 4, unpricedRequests: 0 }, unpricedModels: [] });
  });
});

describe("unpricedModels", () => {
  test("a model only partly unpriced counts just its unpriced requests and their tokens", async () => {
    // "mixed-model" is unpriced, except where the org prices it from 2025-07-02
    await a(`mutation { setModelPrice(model: "mixed-model", provider: OPENAI, inputPerMTok: 1, outputPerMTok: 1, effectiveFrom: "2025-07-02") { id } }`);
    const book = createPriceBook(builtinPrices, [
      { id: "x", orgId: l.orgId, provider: "openai", model: "mixed-model", effectiveFrom: Date.UTC(2025, 6, 2), inputPerMTok: 1, cachedInputPerMTok: null, cacheWritePerMTok: null, outputPerMTok: 1, createdAt: 0 },
    ]);
    await insertEvents(l.lectr.database.writePath, [
      eventAt(l.orgId, "2025-07-01T10:00:00Z", "mixed-model", usage(10, 1), book),
      eventAt(l.orgId, "2025-07-01T11:00:00Z", "mixed-model", usage(20, 2), book),
      eventAt(l.orgId, "2025-07-02T10:00:00Z", "mixed-model", usage(400, 40), book),
    ]);
    const r = await a(`{ unpricedModels(period: { from: "2025-07-01", to: "2025-07-03" }) { model requests tokens inputTokens outputTokens } modelDistribution(period: { from: "2025-07-01", to: "2025-07-03" }) { model requests unpricedRequests } }`);
    expect(r.data).toEqual({
      unpricedModels: [{ model: "mixed-model", requests: 2, tokens: 33, inputTokens: 30, outputTokens: 3 }],
      modelDistribution: [{ model: "mixed-model", requests: 3, unpricedRequests: 2 }],
    });
  });
});

describe("setModelPrice checks its input", () => {
  test.each([
    ["a negative price", `inputPerMTok: -1, outputPerMTok: 1`, "inputPerMTok must be a price of 0 or more (USD per 1M tokens), got -1."],
    ["a negative cached price", `inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: -0.5`, "cachedInputPerMTok must be a price of 0 or more (USD per 1M tokens), got -0.5."],
    [
      "a likely unit error",
      `inputPerMTok: 1, outputPerMTok: 1500`,
      "outputPerMTok is $1500 per 1M tokens, more than $1000: prices are per 1M tokens (not per 1K or per token). Pass force: true if it is right.",
    ],
    ["an effective date before 1970", `inputPerMTok: 1, outputPerMTok: 1, effectiveFrom: -1`, "effectiveFrom must be on or after 1970-01-01."],
  ])("refuses %s, storing nothing", async (_name, args, message) => {
    const before = (await a(`{ modelPrices { id } }`)).data.modelPrices.length;
    const r = await a(`mutation { setModelPrice(model: "checked-model", provider: OPENAI, ${args}) { id } }`);
    expect([r.codes, r.errors?.[0]?.message]).toEqual([["BAD_USER_INPUT"], message]);
    expect((await a(`{ modelPrices { id } }`)).data.modelPrices.length).toBe(before);
  });

  test.each([
    ["an empty model", `""`, "model must not be empty."],
    ["spaces around it", `" gpt-4o"`, "model must not start or end with spaces."],
    ["a control character", `"gpt\\u0000x"`, "model contains control characters."],
  ])("refuses %s", async (_name, model, message) => {
    const r = await a(`mutation { setModelPrice(model: ${model}, provider: OPENAI, inputPerMTok: 1, outputPerMTok: 1) { id } }`);
    expect([r.codes, r.errors?.[0]?.message]).toEqual([["BAD_USER_INPUT"], message]);
  });

  test("force: true accepts a price above $1,000; effectiveFrom defaults to now", async () => {
    const before = Date.now();
    const r = await a(`mutation { setModelPrice(model: "very-dear-model", provider: GROQ, inputPerMTok: 1200, outputPerMTok: 2400, force: true) { provider inputPerMTok effectiveFrom inEffect } }`);
    expect(r.data.setModelPrice).toMatchObject({ provider: "GROQ", inputPerMTok: 1200, inEffect: true });
    expect(Date.parse(r.data.setModelPrice.effectiveFrom)).toBeGreaterThanOrEqual(before);
    // a price that starts later is listed, not yet in effect
    const later = await a(`mutation { setModelPrice(model: "very-dear-model", provider: GROQ, inputPerMTok: 1, outputPerMTok: 2, effectiveFrom: "2999-01-01") { inEffect } }`);
    expect(later.data.setModelPrice.inEffect).toBe(false);
  });
});

describe("Azure deployment map", () => {
  const settings = `{ settings { azure { endpoint deployments { deployment model } } } }`;
  const set = (deployments: string) =>
    a(`mutation { setAzureSettings(endpoint: "https://127.0.0.1:8443", apiVersion: "2024-10-21"${deployments}) { azure { deployments { deployment model } } } }`);

  test("set, read back, kept when left out, replaced, cleared", async () => {
    const first = await set(`, deployments: [{ deployment: "prod-gpt4o", model: "gpt-4o-2024-08-06" }, { deployment: "cheap", model: "gpt-4o-mini" }]`);
    const map = [{ deployment: "prod-gpt4o", model: "gpt-4o-2024-08-06" }, { deployment: "cheap", model: "gpt-4o-mini" }];
    expect(first.data.setAzureSettings.azure.deployments).toEqual(map);
    expect((await a(settings)).data.settings.azure.deployments).toEqual(map);
    expect((await set("")).data.setAzureSettings.azure.deployments).toEqual(map);
    expect((await set(`, deployments: [{ deployment: "cheap", model: "gpt-4.1-nano" }]`)).data.setAzureSettings.azure.deployments).toEqual([{ deployment: "cheap", model: "gpt-4.1-nano" }]);
    expect((await set(`, deployments: []`)).data.setAzureSettings.azure.deployments).toEqual([]);
  });

  test.each([
    ["a deployment listed twice", `[{ deployment: "d", model: "gpt-4o" }, { deployment: "d", model: "gpt-4o-mini" }]`, 'deployment "d" is listed twice.'],
    ["an empty deployment name", `[{ deployment: "", model: "gpt-4o" }]`, "deployment must not be empty."],
    ["an empty model", `[{ deployment: "d", model: " " }]`, 'The model of deployment "d" must not be empty.'],
  ])("refuses %s, changing nothing", async (_name, list, message) => {
    const before = await a(settings);
    const r = await set(`, deployments: ${list}`);
    expect([r.codes, r.errors?.[0]?.message]).toEqual([["BAD_USER_INPUT"], message]);
    expect(await a(settings)).toEqual(before);
  });

  test("clearAzureSettings forgets the map too", async () => {
    await set(`, deployments: [{ deployment: "prod-gpt4o", model: "gpt-4o" }]`);
    expect((await a(`mutation { clearAzureSettings { azure { endpoint } } }`)).data.clearAzureSettings).toEqual({ azure: null });
    await set("");
    expect((await a(settings)).data.settings.azure.deployments).toEqual([]);
  });
});

describe("tenancy: every cost field reaches the caller's own org only", () => {
  const scoped: [string, string][] = [
    ["modelPrices", `{ modelPrices(orgId: $ORG) { id } }`],
    ["unpricedModels", `{ unpricedModels(period: ${period}, orgId: $ORG) { model } }`],
    ["setModelPrice", `mutation { setModelPrice(model: "o3", provider: OPENAI, inputPerMTok: 0, outputPerMTok: 0, effectiveFrom: "2020-01-01", orgId: $ORG) { id } }`],
    ["recostEvents", `mutation { recostEvents(period: ${period}, orgId: $ORG) { eventsChanged } }`],
  ];
  const snapshot = async () => ({ costs: await costs(), prices: (await a(`{ modelPrices { id outputPerMTok } }`)).data, events: await eventCosts() });

  test.each(scoped)("%s with another org's id → FORBIDDEN, and that org is unchanged", async (_name, query) => {
    const before = await snapshot();
    for (const target of [l.orgId, "01900000-0000-7000-8000-000000000000"]) {
      const r = await b(query.replace("$ORG", JSON.stringify(target)));
      expect([r.status, r.codes, r.data]).toEqual([200, ["FORBIDDEN"], null]);
    }
    expect(await snapshot()).toEqual(before);
  });

  test.each(scoped)("%s by the admin needs an orgId that exists", async (_name, query) => {
    expect((await admin(query.replace(", orgId: $ORG", "").replace("(orgId: $ORG)", ""))).codes).toEqual(["BAD_USER_INPUT"]);
    expect((await admin(query.replace("$ORG", '"01900000-0000-7000-8000-000000000000"'))).codes).toEqual(["BAD_USER_INPUT"]);
  });

  test("each org sees and changes only its own prices, unpriced models and events", async () => {
    const before = await snapshot();
    expect((await b(`{ modelPrices { id } }`)).data.modelPrices).toEqual([]);
    expect((await b(`{ unpricedModels(period: ${period}) { model requests } }`)).data.unpricedModels).toEqual([{ model: "b-private-model", requests: 1 }]);
    // B's price for a model A uses, from long before A's events: A's costs do not move
    await b(`mutation { setModelPrice(model: "o3", provider: OPENAI, inputPerMTok: 0, outputPerMTok: 0, effectiveFrom: "2020-01-01") { id } }`);
    expect((await b(`mutation { recostEvents(period: ${period}) { eventsChecked eventsChanged } }`)).data.recostEvents).toEqual({ eventsChecked: 1, eventsChanged: 0 });
    expect(await snapshot()).toEqual(before);
    expect((await a(`mutation { recostEvents(period: ${period}) { eventsChanged } }`)).data.recostEvents.eventsChanged).toBe(0);
    // the admin reads A's the same way A does
    expect((await admin(`{ modelPrices(orgId: "${l.orgId}") { id outputPerMTok } }`)).data).toEqual(before.prices);
    expect((await b(`{ settings { azure { deployments { deployment } } } }`)).data.settings.azure).toBeNull();
  });
});
