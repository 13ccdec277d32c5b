/**
 * What prices one org's calls: its own overrides first, then the registry;
 * for Azure, the deployment → model map when the response names no model.
 * Pure: the proxy and re-costing both price through `priceCall`.
 */
import { providerIds, type Billing, type ProviderId, type Usage } from "../providers/types.ts";
import { computeCost } from "./cost.ts";
import { batchMultiple, unitDollars } from "./units.ts";
import { createPriceRegistry, isoDate, type PriceRegistry, type PriceRow } from "./registry.ts";

/** One org price override (a `model_prices` row), USD per 1M tokens. */
export interface OrgPrice {
  id: string;
  orgId: string;
  provider: string;
  model: string;
  effectiveFrom: number;
  inputPerMTok: number;
  cachedInputPerMTok: number | null;
  cacheWritePerMTok: number | null;
  outputPerMTok: number;
  createdAt: number;
}

/** An Azure deployment and the model it runs, for calls whose response names no model. */
export interface AzureDeployment {
  deployment: string;
  model: string;
}

export interface PriceBook {
  registry: PriceRegistry;
  /** The org's own prices; undefined when it has none. */
  overrides: PriceRegistry | undefined;
  /** Azure deployment name → model. */
  deployments: ReadonlyMap<string, string>;
}

export type CostSource = "registry" | "org_override" | "unpriced";

export interface CallCost {
  /** null when unpriced, or when the call reported no usage. */
  costUsd: number | null;
  priceKnown: boolean;
  /** Where the price came from; `unpriced` exactly when priceKnown is false. */
  costSource: CostSource;
}

/** What pricing needs to know about a call: the same facts whether it just happened or was stored. */
export interface PricedCall {
  provider: ProviderId;
  /** The model the request named (for Azure, the deployment). */
  model: string;
  responseModel: string | null | undefined;
  /** When the call was made (epoch ms): the prices in effect then apply. */
  at: number;
  usage: Usage | undefined;
  /** Images or seconds billed instead of tokens, and whether the batch rate applies. */
  billing?: Billing | undefined;
}

const noDeployments: ReadonlyMap<string, string> = new Map();

export function createPriceBook(registry: PriceRegistry, overrides: readonly OrgPrice[] = [], deployments: readonly AzureDeployment[] = []): PriceBook {
  return {
    registry,
    overrides: overrides.length === 0 ? undefined : createOverrideRegistry(overrides),
    deployments: deployments.length === 0 ? noDeployments : new Map(deployments.map((d) => [d.deployment, d.model])),
  };
}

/**
 * Overrides as a registry of their own, matched with the registry's id rules (an override on
 * `gpt-4o` prices `gpt-4o-2024-08-06`) but never across providers: a price negotiated with OpenAI
 * is not Azure's. Setting a price twice for one date keeps the later one.
 */
function createOverrideRegistry(prices: readonly OrgPrice[]): PriceRegistry {
  const latest = new Map<string, OrgPrice>();
  for (const p of prices) {
    if (!isProviderId(p.provider)) continue;
    const key = `${p.provider}\u0000${p.model}\u0000${p.effectiveFrom}`;
    const seen = latest.get(key);
    if (!seen || supersedes(p, seen)) latest.set(key, p);
  }
  const rows: PriceRow[] = [...latest.values()].map((p) => ({
    provider: p.provider as ProviderId,
    model: p.model,
    effectiveFrom: p.effectiveFrom,
    inputPerMTok: p.inputPerMTok,
    cachedInputPerMTok: p.cachedInputPerMTok,
    cacheWritePerMTok: p.cacheWritePerMTok,
    outputPerMTok: p.outputPerMTok,
    reasoningPerMTok: null,
    source: "org override",
    asOf: isoDate(p.createdAt),
  }));
  return createPriceRegistry(rows, { fallbacks: {} });
}

/** Whether `a` replaces `b` for calls after both take effect: a later date, or the same date set later. */
function supersedes(a: OrgPrice, b: OrgPrice): boolean {
  if (a.effectiveFrom !== b.effectiveFrom) return a.effectiveFrom > b.effectiveFrom;
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

/** Ids of the rows that price each model's calls made at `at`. */
export function pricesInEffect(prices: readonly OrgPrice[], at: number): Set<string> {
  const current = new Map<string, OrgPrice>();
  for (const p of prices) {
    if (p.effectiveFrom > at) continue;
    const key = `${p.provider}\u0000${p.model}`;
    const seen = current.get(key);
    if (!seen || supersedes(p, seen)) current.set(key, p);
  }
  return new Set([...current.values()].map((p) => p.id));
}

/**
 * The row that prices a call and where it came from. The ids tried, in order: the model the
 * response names (a dated snapshot, or Azure's underlying model), the model an Azure deployment
 * is mapped to, the model requested; any of them in the org's prices before any in the registry.
 * Runs on every request: no allocation beyond the answer.
 */
export function findPrice(book: PriceBook, call: Omit<PricedCall, "usage">): { row: PriceRow; source: "registry" | "org_override" } | undefined {
  const mapped = call.provider === "azure" ? book.deployments.get(call.model) : undefined;
  const fromOverrides = book.overrides && firstRow(book.overrides, call, mapped);
  if (fromOverrides) return { row: fromOverrides, source: "org_override" };
  const fromRegistry = firstRow(book.registry, call, mapped);
  return fromRegistry && { row: fromRegistry, source: "registry" };
}

function firstRow(prices: PriceRegistry, call: Omit<PricedCall, "usage">, mapped: string | undefined): PriceRow | undefined {
  const { provider, at, responseModel } = call;
  return (
    (responseModel ? prices.lookup(provider, responseModel, at) : undefined) ??
    (mapped ? prices.lookup(provider, mapped, at) : undefined) ??
    prices.lookup(provider, call.model, at)
  );
}

const unpriced: CallCost = { costUsd: null, priceKnown: false, costSource: "unpriced" };

export function priceCall(book: PriceBook, call: PricedCall): CallCost {
  const found = findPrice(book, call);
  if (!found) return unpriced;
  const units = call.billing?.units;
  // Without usage the cost is unknown (null), but whether the model has a price is still known.
  if (!call.usage && !units) return { costUsd: null, priceKnown: true, costSource: found.source };
  let usd = call.usage ? computeCost(call.usage, found.row).costUsd : unitDollars(units!, found.row);
  if (usd !== null && call.billing?.batch) {
    const multiple = batchMultiple[call.provider];
    usd = multiple === undefined ? null : usd * multiple;
  }
  return usd === null ? unpriced : { costUsd: usd, priceKnown: true, costSource: found.source };
}

function isProviderId(value: string): value is ProviderId {
  return providerIds.some((id) => id === value);
}
