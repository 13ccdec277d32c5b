import { builder } from "../builder.ts";
import type { RoutingRuleRow } from "../../db/routing.ts";
import type { ProviderId } from "../../providers/types.ts";
import { Provider } from "./provider.ts";

export const RoutingRule = builder.objectRef<RoutingRuleRow>("RoutingRule").implement({
  description:
    "Sends matching requests to another model. Rules apply in position order; the first enabled rule whose every set field matches decides. Unset match fields match anything.",
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.exposeInt("position", { description: "Lower applies first." }),
    feature: t.exposeString("feature", { nullable: true, description: "X-Lectr-Feature, exactly." }),
    task: t.exposeString("task", { nullable: true, description: "X-Lectr-Task." }),
    model: t.exposeString("model", { nullable: true, description: "The requested model: an exact id, or a prefix ending in *." }),
    provider: t.field({ type: Provider, nullable: true, description: "The provider the request would go to.", resolve: (r) => r.provider as ProviderId | null }),
    targetModel: t.exposeString("target_model"),
    targetProvider: t.field({
      type: Provider,
      nullable: true,
      resolve: (r) => r.target_provider as ProviderId | null,
      description: "null: the request's own provider. Another provider needs its key on each request, in X-Lectr-Provider-Key-<provider>; without it the rule is skipped.",
    }),
    percent: t.exposeInt("percent", { description: "The share of matching requests routed (1–100), chosen by a stable hash of the request id; the rest is the rule's control group." }),
    enabled: t.exposeBoolean("enabled"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    updatedAt: t.expose("updated_at", { type: "DateTime" }),
  }),
});
