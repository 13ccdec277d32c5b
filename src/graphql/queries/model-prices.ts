import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { ModelPrice } from "../types/model-price.ts";
import { Provider } from "../types/provider.ts";
import { listModelPrices } from "../../db/model-prices.ts";
import { pricesInEffect } from "../../pricing/price-book.ts";

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
