/** The shapes reconciliation passes around: provider reports, Lectr's sums, and compared rows. Epoch ms, UTC days. */
import { reconcileProviders, type Counts, type ReconcileProvider } from "../db/reconcile.ts";

export { reconcileProviders };
export type { Counts, LectrLine, ReconcileProvider, ReconRow, RowStatus, Sources } from "../db/reconcile.ts";

export const isReconcileProvider = (p: string): p is ReconcileProvider => (reconcileProviders as readonly string[]).includes(p);

export const countKeys = ["requests", "uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output"] as const satisfies readonly (keyof Counts)[];

/** What the provider's usage report says for one bucket result, reduced to its UTC day. */
export interface UsageLine {
  day: number;
  model: string;
  /** The provider API key id, when grouped by it and reported. */
  apiKeyId: string | null;
  /** OpenAI project or Anthropic workspace, when reported. */
  projectId: string | null;
  counts: Counts;
}

/** What the provider's cost report says, in US dollars. */
export interface CostLine {
  day: number;
  /** null when the provider's line names no model (tools, storage, a line item Lectr cannot read). */
  model: string | null;
  projectId: string | null;
  usd: number;
}
