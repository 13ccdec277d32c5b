import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { ModelPrice } from "../types/model-price.ts";
import { Provider } from "../types/provider.ts";
import { insertModelPrice, listModelPrices } from "../../db/model-prices.ts";
import { pricesInEffect } from "../../pricing/price-book.ts";
import { maxPlausiblePerMTok, priceInputProblem } from "../../pricing/price-input.ts";

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
