/** The shapes reconciliation passes around: provider reports, Lectr's sums, and compared rows. Epoch ms, UTC days. */
export const reconcileProviders = ["openai", "anthropic"] as const;
export type ReconcileProvider = (typeof reconcileProviders)[number];

export const isReconcileProvider = (p: string): p is ReconcileProvider => (reconcileProviders as readonly string[]).includes(p);

/** Token classes priced apart, and requests; null where the side does not report that class. */
export interface Counts {
  requests: number | null;
  uncachedInput: number | null;
  cacheRead: number | null;
  cacheWrite5m: number | null;
  cacheWrite1h: number | null;
  output: number | null;
}

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

/** Lectr's recorded figures for one day × model. */
export interface LectrLine {
  day: number;
  model: string;
  counts: Counts;
  costUsd: number | null;
}

/** Which provider keys, projects or workspaces belong to the org; all empty: the whole provider organization. */
export interface Sources {
  apiKeyIds: ReadonlySet<string>;
  projectIds: ReadonlySet<string>;
}

export type RowStatus = "matched" | "provisional" | "mismatched";

export interface ReconRow {
  day: number;
  model: string;
  /** '' for the comparison row; `api_key:<id>` / `project:<id>` / `workspace:<id>` for the provider's own breakdown. */
  source: string;
  lectr: Counts | null;
  lectrCostUsd: number | null;
  provider: Counts;
  billedUsd: number | null;
  expectedUsd: number | null;
  unseenUsd: number | null;
  driftUsd: number | null;
  status: RowStatus;
}
