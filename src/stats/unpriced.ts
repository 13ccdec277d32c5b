/** The unpricedModels answer from summed usage rows. Pure. */
import type { ProviderId } from "../providers/types.ts";
import type { Sums } from "./aggregate.ts";

type Row = { provider: string; model: string } & Pick<Sums, "requests" | "unpriced" | "inputTokens" | "outputTokens">;

export interface UnpricedModel {
  model: string;
  provider: ProviderId;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * One entry per provider and model with unpriced requests, most first. A model whose every
 * request was unpriced takes its tokens from the rollup sums; one only partly unpriced needs
 * `partly`, its unpriced requests counted from the events.
 */
export function unpricedModels(rows: readonly Row[], partly: readonly ({ provider: string; model: string } & Pick<UnpricedModel, "requests" | "inputTokens" | "outputTokens">)[]): UnpricedModel[] {
  const counted = new Map(partly.map((p) => [`${p.provider}\u0000${p.model}`, p]));
  const out: UnpricedModel[] = [];
  for (const r of rows) {
    if (r.unpriced <= 0) continue;
    const whole = r.unpriced === r.requests;
    const p = whole ? undefined : counted.get(`${r.provider}\u0000${r.model}`);
    out.push({
      model: r.model,
      provider: r.provider as ProviderId,
      requests: whole ? r.requests : (p?.requests ?? r.unpriced),
      inputTokens: whole ? r.inputTokens : (p?.inputTokens ?? 0),
      outputTokens: whole ? r.outputTokens : (p?.outputTokens ?? 0),
    });
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort(
    (a, b) => b.requests - a.requests || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || compare(a.provider, b.provider) || compare(a.model, b.model),
  );
}
