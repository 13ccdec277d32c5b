import { providerIds, type ProviderId } from "../providers/types.ts";
import { matchModelId, stripVersionSuffix, type KnownModels } from "./model-id.ts";
import data from "./prices.json" with { type: "json" };
import { hasUnitPrice, parseUnitPrices, unitPriceFields, type UnitPrices } from "./units.ts";

/**
 * One price of one model from one date on, in USD per 1M tokens. A price change is a new row
 * with a later effectiveFrom, never an edit, so past calls keep the price they were made at.
 * The first known price of a model starts at 1970-01-01: we have no sourced launch dates, and
 * pricing an early call at the first known price beats leaving it unpriced.
 */
export interface PriceRow extends UnitPrices {
  readonly provider: ProviderId;
  readonly model: string;
  /** Epoch ms, UTC midnight of the `effective_from` date. */
  readonly effectiveFrom: number;
  readonly inputPerMTok: number | null;
  /** Cache reads. null: the provider bills cached tokens as plain input. */
  readonly cachedInputPerMTok: number | null;
  /** Cache writes (Anthropic: the 5-minute rate). null: billed as plain input. */
  readonly cacheWritePerMTok: number | null;
  /**
   * 1-hour cache writes (Anthropic). Absent or null: the provider's documented multiple of the
   * input price (src/providers), else the cache-write rate.
   */
  readonly cacheWrite1hPerMTok?: number | null;
  /** null with output tokens present means the cost is unknown (embeddings have no output). */
  readonly outputPerMTok: number | null;
  /** Only set when reasoning tokens are billed apart from output; otherwise they are output. */
  readonly reasoningPerMTok: number | null;
  readonly source: string;
  /** YYYY-MM-DD on which the source last confirmed the price. */
  readonly asOf: string;
}

export interface PriceRegistry {
  readonly rows: readonly PriceRow[];
  /** The row in force at `at` (epoch ms) for the model a raw id resolves to. */
  lookup(provider: ProviderId, model: string, at: number): PriceRow | undefined;
  /** Which registry model id a raw id maps to (Azure may answer with an OpenAI row's id). */
  resolveModelId(provider: ProviderId, model: string): string | undefined;
}

/** Where a provider's unlisted models are priced: Azure bills at OpenAI list prices (providers.md §7, Azure). */
const fallbackProviders: Readonly<Partial<Record<ProviderId, readonly ProviderId[]>>> = { azure: ["openai"] };

const priceFields = {
  input_per_mtok: "inputPerMTok",
  cached_input_per_mtok: "cachedInputPerMTok",
  cache_write_per_mtok: "cacheWritePerMTok",
  output_per_mtok: "outputPerMTok",
  reasoning_per_mtok: "reasoningPerMTok",
} as const;
/** Optional: a row without it uses the provider's rule for 1-hour cache writes. */
const optionalPriceField = "cache_write_1h_per_mtok";
const rowKeys = new Set(["provider", "model", "effective_from", ...Object.keys(priceFields), optionalPriceField, ...Object.keys(unitPriceFields), "source", "as_of"]);

/** Validates the JSON form of the price rows; throws an Error naming the first bad row. */
export function loadPriceRows(json: unknown): PriceRow[] {
  if (!Array.isArray(json)) throw new Error("price rows: expected a JSON array of rows");
  return json.map((raw: unknown, index) => parseRow(raw, index));
}

/**
 * Indexes rows by provider and model; throws on two rows for one model and date.
 * `fallbacks` says where a provider's unlisted models are looked up next (default: Azure → OpenAI).
 */
export function createPriceRegistry(rows: PriceRow[], opts: { fallbacks?: typeof fallbackProviders } = {}): PriceRegistry {
  const index = indexRows(rows);
  const fallbacks = opts.fallbacks ?? fallbackProviders;
  const chain = (provider: ProviderId) => [provider, ...(fallbacks[provider] ?? [])];
  // Resolution follows the asking provider's id rules even when it searches a fallback's rows.
  const resolveIn = (asked: ProviderId, searched: ProviderId, model: string) =>
    matchModelId(asked, model, index.get(searched)?.known ?? noModels);
  // Resolving an id runs several pattern rules; every request prices a model, so remember the answer (bounded).
  const histories = new Map<string, readonly (readonly PriceRow[])[]>();
  const historiesOf = (provider: ProviderId, model: string) => {
    const key = `${provider}\u0000${model}`;
    let found = histories.get(key);
    if (!found) {
      found = chain(provider).flatMap((searched) => {
        const id = resolveIn(provider, searched, model);
        const history = id === undefined ? undefined : index.get(searched)?.byModel.get(id);
        return history ? [history] : [];
      });
      if (histories.size >= 10_000) histories.clear();
      histories.set(key, found);
    }
    return found;
  };

  return {
    rows,
    lookup(provider, model, at) {
      for (const history of historiesOf(provider, model)) {
        const row = history.findLast((r) => r.effectiveFrom <= at);
        if (row) return row;
      }
      return undefined;
    },
    resolveModelId(provider, model) {
      for (const searched of chain(provider)) {
        const id = resolveIn(provider, searched, model);
        if (id !== undefined) return id;
      }
      return undefined;
    },
  };
}

export const builtinPrices: PriceRegistry = createPriceRegistry(loadPriceRows(data));

/**
 * `extra` laid over `base`: a row for the same provider, model and effective_from replaces the
 * base row; any other row is added (a later effective_from is a price change). Order: base, then new rows.
 */
export function mergePriceRows(base: readonly PriceRow[], extra: readonly PriceRow[]): PriceRow[] {
  const key = (r: PriceRow) => `${r.provider}\u0000${r.model}\u0000${r.effectiveFrom}`;
  const replacing = new Map(extra.map((r) => [key(r), r]));
  const merged = base.map((r) => replacing.get(key(r)) ?? r);
  const kept = new Set(base.map(key));
  return [...merged, ...extra.filter((r) => !kept.has(key(r)))];
}

interface ProviderIndex {
  /** Each model's rows, oldest effectiveFrom first. */
  byModel: Map<string, PriceRow[]>;
  known: KnownModels;
}

const noModels: KnownModels = { has: () => false, snapshotsOf: () => [] };

function indexRows(rows: readonly PriceRow[]): Map<ProviderId, ProviderIndex> {
  const byProvider = new Map<ProviderId, Map<string, PriceRow[]>>();
  for (const row of rows) {
    const byModel = byProvider.get(row.provider) ?? new Map<string, PriceRow[]>();
    byProvider.set(row.provider, byModel);
    const history = byModel.get(row.model) ?? [];
    byModel.set(row.model, history);
    if (history.some((r) => r.effectiveFrom === row.effectiveFrom)) {
      throw new Error(`price rows: two rows for ${row.provider}/${row.model} effective ${isoDate(row.effectiveFrom)}`);
    }
    history.push(row);
    history.sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  }

  const index = new Map<ProviderId, ProviderIndex>();
  for (const [provider, byModel] of byProvider) {
    const snapshots = new Map<string, string[]>();
    for (const model of byModel.keys()) {
      const stripped = stripVersionSuffix(provider, model);
      if (stripped?.kind === "snapshot") snapshots.set(stripped.base, [...(snapshots.get(stripped.base) ?? []), model]);
    }
    index.set(provider, {
      byModel,
      known: { has: (id) => byModel.has(id), snapshotsOf: (base) => snapshots.get(base) ?? [] },
    });
  }
  return index;
}

function parseRow(raw: unknown, index: number): PriceRow {
  const fields = isRecord(raw) ? raw : {};
  const named = typeof fields.provider === "string" && typeof fields.model === "string";
  const label = named ? `price row ${index} (${fields.provider}/${fields.model})` : `price row ${index}`;
  function fail(problem: string): never {
    throw new Error(`${label}: ${problem}`);
  }

  if (!isRecord(raw)) fail(`expected an object, got ${JSON.stringify(raw)}`);
  const unknownKeys = Object.keys(fields).filter((key) => !rowKeys.has(key));
  if (unknownKeys.length > 0) fail(`unknown field(s) ${unknownKeys.join(", ")}`);

  const { provider, model, source, effective_from, as_of } = fields;
  if (!isProviderId(provider)) fail(`provider must be one of ${providerIds.join(", ")}, got ${JSON.stringify(provider)}`);
  if (typeof model !== "string" || model.trim() === "") fail("model must be a non-empty string");
  if (typeof source !== "string" || source.trim() === "") fail("source must say where the price comes from");
  const effectiveFrom = parseIsoDate(effective_from);
  if (effectiveFrom === undefined) fail(`effective_from must be a YYYY-MM-DD date, got ${JSON.stringify(effective_from)}`);
  if (typeof as_of !== "string" || parseIsoDate(as_of) === undefined) {
    fail(`as_of must be a YYYY-MM-DD date, got ${JSON.stringify(as_of)}`);
  }

  const price = (key: keyof typeof priceFields | typeof optionalPriceField): number | null => {
    if (!(key in fields)) {
      if (key === optionalPriceField) return null;
      fail(`${key} is missing (use null for "no such price")`);
    }
    const value = fields[key];
    if (value === null || (typeof value === "number" && Number.isFinite(value) && value >= 0)) return value;
    return fail(`${key} must be a non-negative number or null, got ${JSON.stringify(value)}`);
  };
  const row: PriceRow = {
    provider,
    model,
    effectiveFrom,
    inputPerMTok: price("input_per_mtok"),
    cachedInputPerMTok: price("cached_input_per_mtok"),
    cacheWritePerMTok: price("cache_write_per_mtok"),
    outputPerMTok: price("output_per_mtok"),
    reasoningPerMTok: price("reasoning_per_mtok"),
    ...(optionalPriceField in fields ? { cacheWrite1hPerMTok: price(optionalPriceField) } : {}),
    ...parseUnitPrices(fields, fail),
    source,
    asOf: as_of,
  };
  if (Object.values(priceFields).every((field) => row[field] === null) && !hasUnitPrice(row)) {
    fail("has no price at all; leave the model out instead");
  }
  return row;
}

function isProviderId(value: unknown): value is ProviderId {
  return providerIds.some((id) => id === value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Epoch ms of a strict YYYY-MM-DD calendar date (UTC), or undefined. */
function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2025-02-30 over to March; the round trip catches it.
  return Number.isNaN(ms) || isoDate(ms) !== value ? undefined : ms;
}

/** YYYY-MM-DD of an epoch ms timestamp (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
