/**
 * Prices in units other than text tokens: image and audio input tokens, images by quality and size,
 * seconds of audio (with a provider's minimum billed duration), and the batch rate. Pure.
 */
import type { BilledUnits, ProviderId } from "../providers/types.ts";

/** The optional price fields of a registry row, beside its per-token prices. */
export interface UnitPrices {
  /** Image input tokens (gpt-image-1), USD per 1M. Absent: a call reporting them has no known cost. */
  readonly imageInputPerMTok?: number | null;
  /** Audio input tokens (gpt-4o-transcribe), USD per 1M. */
  readonly audioInputPerMTok?: number | null;
  /** USD per image, keyed `quality/size` (`standard/1024x1024`); a key not listed has no known price. */
  readonly perImage?: Readonly<Record<string, number>>;
  /** USD per second of audio. */
  readonly perSecond?: number;
  /** Shorter audio is billed as this many seconds (Groq: 10). */
  readonly minSeconds?: number;
}

/** JSON field → row field. */
export const unitPriceFields = {
  image_input_per_mtok: "imageInputPerMTok",
  audio_input_per_mtok: "audioInputPerMTok",
  per_image: "perImage",
  per_second: "perSecond",
  min_seconds: "minSeconds",
} as const;

const isPrice = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** The unit prices a JSON row sets; `fail` throws naming the problem. */
export function parseUnitPrices(fields: Record<string, unknown>, fail: (problem: string) => never): UnitPrices {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(unitPriceFields)) {
    if (!(key in fields)) continue;
    const value = fields[key];
    if (key === "per_image") {
      const table = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      if (!table || Object.keys(table).length === 0 || !Object.values(table).every(isPrice)) {
        fail("per_image must be an object of `quality/size` → USD per image");
      }
      out[name] = table;
    } else if (value === null && key.endsWith("_per_mtok")) {
      out[name] = null;
    } else if (isPrice(value)) {
      out[name] = value;
    } else {
      fail(`${key} must be a non-negative number, got ${JSON.stringify(value)}`);
    }
  }
  return out as UnitPrices;
}

/** Whether a row prices anything in units other than tokens. */
export const hasUnitPrice = (p: UnitPrices): boolean => p.perImage !== undefined || p.perSecond !== undefined;

/** The dollars of a quantity billed in images or seconds; null when the row has no price for it. */
export function unitDollars(units: BilledUnits, prices: UnitPrices): number | null {
  if (!Number.isFinite(units.count) || units.count < 0) return null;
  if (units.unit === "image") {
    const each = units.variant === undefined ? undefined : prices.perImage?.[units.variant];
    return each === undefined ? null : units.count * each;
  }
  if (prices.perSecond === undefined) return null;
  return Math.max(units.count, prices.minSeconds ?? 0) * prices.perSecond;
}

/**
 * The batch rate as a multiple of the standard one, per provider; a provider not listed has no
 * known batch price. OpenAI: "50% cost discount" (https://platform.openai.com/docs/guides/batch);
 * Azure Global Batch: "50% less cost than global standard"
 * (https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/batch).
 */
export const batchMultiple: Readonly<Partial<Record<ProviderId, number>>> = { openai: 0.5, azure: 0.5 };
