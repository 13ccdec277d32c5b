import { builder } from "../builder.ts";
import { periodArg } from "../period.ts";
import { orgScope } from "../scope.ts";
import { PeriodInput } from "../types/period-input.ts";
import { RecostResult } from "../types/recost-result.ts";
import { recostEvents } from "../../db/events.ts";
import { listModelPrices } from "../../db/model-prices.ts";
import { parseDeployments } from "../../db/orgs.ts";
import { createPriceBook, priceCall } from "../../pricing/price-book.ts";
import { providerIds, type ProviderId } from "../../providers/types.ts";

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
