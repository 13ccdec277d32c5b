import { builder } from "../builder.ts";
import type { ProviderId } from "../../providers/types.ts";
import { Provider } from "./provider.ts";

export interface UnpricedModelShape {
  model: string;
  provider: ProviderId;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

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
