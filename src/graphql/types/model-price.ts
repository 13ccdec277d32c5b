import { builder } from "../builder.ts";
import type { OrgPrice } from "../../pricing/price-book.ts";
import type { ProviderId } from "../../providers/types.ts";
import { Provider } from "./provider.ts";

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
