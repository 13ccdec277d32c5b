/** Prices: the org's own prices, models without a price, re-costing recorded calls. */
import { builder } from "../builder.ts";
import { type ProviderId, providerIds } from "../../providers/types.ts";
import { Provider, PeriodInput } from "./common.ts";
import { type OrgPrice, pricesInEffect, createPriceBook, priceCall } from "../../pricing/price-book.ts";
import { periodArg } from "../period-arg.ts";
import { orgScope } from "../scope.ts";
import { scannedOrg } from "../scan.ts";
import { type RecostTotals, unpricedTotals, recostEvents } from "../../db/recost.ts";
import { readUsage } from "../../db/usage.ts";
import { unpricedModels } from "../../stats/unpriced.ts";
import { listModelPrices, insertModelPrice } from "../../db/model-prices.ts";
import { badInput } from "../errors.ts";
import { maxPlausiblePerMTok, priceInputProblem } from "../../pricing/price-input.ts";
import { parseDeployments } from "../../db/orgs.ts";

export interface UnpricedModelShape {
  model: string;
  provider: ProviderId;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** What a re-costing changed (implemented in results.ts). */
export const RecostResult = builder.objectRef<RecostTotals & { from: number; to: number }>("RecostResult");

export const UnpricedModel = builder.objectRef<UnpricedModelShape>("UnpricedModel").implement({
  description: "A model whose calls had no known price in the period: cost totals leave them out. setModelPrice and recostEvents fix that.",
  fields: (t) => ({
    model: t.exposeString("model", { description: "The model the request named (for Azure, the deployment)." }),
    provider: t.expose("provider", { type: Provider }),
    requests: t.exposeInt("requests", { description: "Unpriced requests." }),
    tokens: t.float({ description: "Input + output tokens of those requests.", resolve: (m) => m.inputTokens + m.outputTokens }),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
  }),
});

export const ModelPrice = builder.objectRef<OrgPrice & { inEffect: boolean }>("ModelPrice").implement({
  description: "One of the org's own prices for a model (USD per 1M tokens), from effectiveFrom until the model's next price.",
  fields: (t) => ({
    id: t.exposeID("id"),
    provider: t.field({ type: Provider, resolve: (p) => p.provider as ProviderId }),
    model: t.exposeString("model", { description: "Matched like the registry: exact id, dated id → base, -latest aliases." }),
    effectiveFrom: t.expose("effectiveFrom", { type: "DateTime" }),
    inputPerMTok: t.exposeFloat("inputPerMTok"),
    cachedInputPerMTok: t.exposeFloat("cachedInputPerMTok", { nullable: true, description: "Cache reads; null: billed as input." }),
    cacheWritePerMTok: t.exposeFloat("cacheWritePerMTok", { nullable: true, description: "Cache writes; null: billed as input." }),
    outputPerMTok: t.exposeFloat("outputPerMTok", { description: "Reasoning tokens are output." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    inEffect: t.exposeBoolean("inEffect", { description: "This row prices the model's calls made now." }),
  }),
});

builder.queryField("unpricedModels", (t) =>
  t.field({
    type: [UnpricedModel],
    description: "Models whose calls in the period had no known price, most unpriced requests first: exactly what the cost totals leave out.",
    args: { period: t.arg({ type: PeriodInput, required: true }), orgId: t.arg.id() },
    // at most one pass over the period's events (of the partly priced models)
    complexity: (args, ctx) => {
      const org = scannedOrg(ctx.principal, args.orgId);
      return { field: 1, rows: org === undefined ? 0 : ctx.scan.rows(org, args.period) };
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      const { rows } = await readUsage(ctx.deps.db, { orgId, periods: [period], groupBy: ["provider", "model"] });
      // The rollups count unpriced requests but not their tokens: a model only partly unpriced is read from its events.
      const partly = rows.filter((r) => r.unpriced > 0 && r.unpriced < r.requests);
      const exact = await unpricedTotals(ctx.deps.db, { orgId, ...period, models: partly });
      return unpricedModels(rows, exact);
    },
  }),
);

builder.queryField("modelPrices", (t) =>
  t.field({
    type: [ModelPrice],
    description: "The org's own prices (setModelPrice), every row ever set, by provider, model and effectiveFrom.",
    args: { provider: t.arg({ type: Provider }), model: t.arg.string(), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const all = await listModelPrices(ctx.deps.db, orgId);
      const current = pricesInEffect(all, ctx.now);
      return all
        .filter((p) => (args.provider == null || p.provider === args.provider) && (args.model == null || p.model === args.model))
        .map((p) => ({ ...p, inEffect: current.has(p.id) }));
    },
  }),
);

/** Prices are set by people: this many rows per org is far beyond any real price list. */
const maxRowsPerOrg = 2_000;

builder.mutationField("setModelPrice", (t) =>
  t.field({
    type: ModelPrice,
    description:
      "Sets the org's own price for a model (a negotiated discount, a fine-tuned or self-hosted model), in USD per 1M tokens, from effectiveFrom on. It takes precedence over the registry for calls made from then; a change is a new row, so earlier calls keep their price until recostEvents. Setting a price for the same model and effectiveFrom again replaces it.",
    args: {
      model: t.arg.string({ required: true }),
      provider: t.arg({ type: Provider, required: true }),
      inputPerMTok: t.arg.float({ required: true }),
      outputPerMTok: t.arg.float({ required: true }),
      cachedInputPerMTok: t.arg.float({ description: "Cache reads; left out, they are billed as input." }),
      cacheWritePerMTok: t.arg.float({ description: "Cache writes (e.g. Anthropic's 5-minute rate); left out, they are billed as input." }),
      effectiveFrom: t.arg({ type: "DateTime", description: "Default: now. A date alone is UTC midnight." }),
      force: t.arg.boolean({ defaultValue: false, description: `Accept a price above $${maxPlausiblePerMTok} per 1M tokens (otherwise refused as a likely unit error).` }),
      orgId: t.arg.id(),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const input = {
        model: args.model,
        inputPerMTok: args.inputPerMTok,
        outputPerMTok: args.outputPerMTok,
        cachedInputPerMTok: args.cachedInputPerMTok ?? null,
        cacheWritePerMTok: args.cacheWritePerMTok ?? null,
        effectiveFrom: args.effectiveFrom ?? ctx.now,
        force: args.force ?? false,
      };
      const problem = priceInputProblem(input);
      if (problem) throw badInput(problem);
      const row = await insertModelPrice(ctx.deps.db, { orgId, provider: args.provider, ...input }, maxRowsPerOrg, ctx.now);
      if (!row) throw badInput(`The org already has ${maxRowsPerOrg} price rows.`);
      // the proxy prices with the new row from now on in this process; other replicas within their reload
      await ctx.deps.priceBooks.refresh();
      const all = await listModelPrices(ctx.deps.db, orgId);
      return { ...row, inEffect: pricesInEffect(all, ctx.now).has(row.id) };
    },
  }),
);

const isProviderId = (p: string): p is ProviderId => providerIds.some((id) => id === p);

builder.mutationField("recostEvents", (t) =>
  t.field({
    type: RecostResult,
    description:
      "Prices the org's recorded calls in the period again, each with the prices in effect when it was made (the org's own, then the registry; Azure's current deployment map), and moves the totals by the difference. Run it after setModelPrice with a past effectiveFrom, or after a registry update. Idempotent.",
    args: {
      period: t.arg({ type: PeriodInput, required: true }),
      model: t.arg.string({ description: "Only calls that named this model, as requested or as the response named it." }),
      orgId: t.arg.id(),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now);
      // read from the database, not the in-memory books: a price set a moment ago on another replica counts
      const [prices, org] = await Promise.all([listModelPrices(ctx.deps.db, orgId), ctx.loaders.org.load(orgId)]);
      const book = createPriceBook(ctx.deps.priceBooks.registry, prices, parseDeployments(org?.azure_deployments ?? null));
      const totals = await recostEvents(ctx.deps.writePath, { orgId, ...period, model: args.model }, (call) =>
        isProviderId(call.provider) ? priceCall(book, { ...call, provider: call.provider }) : { costUsd: null, priceKnown: false, costSource: "unpriced" },
      );
      return { ...period, ...totals };
    },
  }),
);
