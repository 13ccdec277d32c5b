import type { ProviderId } from "../providers/types.ts";

/**
 * Maps a raw model id (as a client sent it or a provider echoed it) to the id a price row uses.
 * Every step is an exact rewrite; there is no prefix or fuzzy matching, because a near miss
 * (`gpt-4o-mini-…` priced as `gpt-4o`) bills silently wrong while a miss is loudly "unpriced".
 * Suffix forms: shared/reference/providers.md §1.6, §2.6, §3.6, §4.6 and the table in §6.
 */

/** `snapshot` pins a dated/versioned build; `latest` is a moving alias. */
export type SuffixKind = "snapshot" | "latest";

interface SuffixRule {
  readonly pattern: RegExp;
  readonly kind: SuffixKind;
  /** What the matched suffix becomes (`""` drops it). */
  readonly replaceWith: string;
  /** Rejects digit runs that only look like dates, e.g. Groq's `llama3-70b-8192`. */
  readonly valid: (groups: readonly string[]) => boolean;
}

/** The registry's view that resolution needs, for one provider. */
export interface KnownModels {
  has(id: string): boolean;
  /** Registry ids that are snapshots of `base` (their snapshot suffix strips to it). */
  snapshotsOf(base: string): readonly string[];
}

interface ModelIdRules {
  readonly suffixes: readonly SuffixRule[];
  /** Alternative spellings rewritten before lookup. */
  readonly respell: readonly (readonly [RegExp, string])[];
  /** Aliases whose target cannot be derived from the id itself. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Snapshots billed differently from their base id: they must never fall back to it. */
  readonly pricedApart: ReadonlySet<string>;
  /** Whether an undated or `-latest` alias resolves to the newest dated snapshot row. */
  readonly aliasToSnapshot: boolean;
}

const inRange = (text: string | undefined, min: number, max: number): boolean => {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max;
};
const isMonthDay = (mm?: string, dd?: string) => inRange(mm, 1, 12) && inRange(dd, 1, 31);
const always = () => true;

const yyyyMmDd: SuffixRule = {
  pattern: /-(\d{4})-(\d{2})-(\d{2})$/,
  kind: "snapshot",
  replaceWith: "",
  valid: ([, mm, dd]) => isMonthDay(mm, dd),
};
const mmDd: SuffixRule = {
  pattern: /-(\d{2})(\d{2})$/,
  kind: "snapshot",
  replaceWith: "",
  valid: ([mm, dd]) => isMonthDay(mm, dd),
};
const yyyymmdd: SuffixRule = {
  pattern: /-(\d{4})(\d{2})(\d{2})$/,
  kind: "snapshot",
  replaceWith: "",
  valid: ([, mm, dd]) => isMonthDay(mm, dd),
};
const latest: SuffixRule = { pattern: /-latest$/, kind: "latest", replaceWith: "", valid: always };

const openaiRules: ModelIdRules = {
  suffixes: [yyyyMmDd, mmDd, latest],
  respell: [],
  aliases: {},
  // Known to have their own list price, unlike their alias: the gpt-3.5-turbo ones in
  // genai-prices openai.yml (0301/0613 1.5/2, 1106 1/2, vs 0.5/1.5); gpt-4o-2024-05-13 in providers.md §6.
  pricedApart: new Set(["gpt-3.5-turbo-0301", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-1106", "gpt-4o-2024-05-13"]),
  // OpenAI aliases move to newer snapshots at new prices, so an alias never borrows a snapshot's row.
  aliasToSnapshot: false,
};

/** A provider without rules of its own: ids are priced exactly as spelled. */
const exactIds: ModelIdRules = { suffixes: [], respell: [], aliases: {}, pricedApart: new Set(), aliasToSnapshot: false };

/** Suffix and alias rules, for the providers that need them (any other: `exactIds`). */
export const modelIdRules: Readonly<Partial<Record<ProviderId, ModelIdRules>>> = {
  openai: openaiRules,
  // Azure echoes the underlying OpenAI model and spells 3.5 as `35` (providers.md §5.5).
  azure: { ...openaiRules, respell: [[/^gpt-35-/, "gpt-3.5-"]] },
  anthropic: {
    suffixes: [yyyymmdd, latest],
    respell: [],
    // Anthropic's `-0` aliases (providers.md §2.6; genai-prices ids claude-sonnet-4-0 / claude-opus-4-0).
    aliases: { "claude-sonnet-4-0": "claude-sonnet-4-20250514", "claude-opus-4-0": "claude-opus-4-20250514" },
    pricedApart: new Set(),
    // Anthropic prices dated ids; `claude-sonnet-4-5` is an alias of `claude-sonnet-4-5-20250929`.
    aliasToSnapshot: true,
  },
  gemini: {
    suffixes: [
      { pattern: /-00[1-9]$/, kind: "snapshot", replaceWith: "", valid: always },
      // Keep `-preview`: a preview can be priced apart from the GA model of the same name.
      {
        pattern: /-preview-(\d{2})-(\d{2})$/,
        kind: "snapshot",
        replaceWith: "-preview",
        valid: ([mm, dd]) => isMonthDay(mm, dd),
      },
      {
        pattern: /-preview-(\d{2})-(\d{4})$/,
        kind: "snapshot",
        replaceWith: "-preview",
        valid: ([mm]) => inRange(mm, 1, 12),
      },
      latest,
    ],
    respell: [],
    aliases: {},
    pricedApart: new Set(),
    aliasToSnapshot: false,
  },
  // `-versatile` / `-instant` name a different deployment, so only a `-MMDD` date is a suffix.
  groq: { suffixes: [mmDd], respell: [], aliases: {}, pricedApart: new Set(), aliasToSnapshot: false },
};

/** Removes one dated/versioned/`-latest` suffix, or returns undefined when the id has none. */
export function stripVersionSuffix(provider: ProviderId, id: string): { base: string; kind: SuffixKind } | undefined {
  for (const rule of (modelIdRules[provider] ?? exactIds).suffixes) {
    const match = rule.pattern.exec(id);
    if (match && rule.valid(match.slice(1))) {
      return { base: id.slice(0, match.index) + rule.replaceWith, kind: rule.kind };
    }
  }
  return undefined;
}

/** Applies the rewrites that keep meaning: `models/` prefix, spelling variants, explicit aliases. */
export function canonicalModelId(provider: ProviderId, raw: string): string {
  const rules = modelIdRules[provider] ?? exactIds;
  const unprefixed = raw.startsWith("models/") ? raw.slice("models/".length) : raw;
  const respelled = rules.respell.reduce((id, [from, to]) => id.replace(from, to), unprefixed);
  return rules.aliases[respelled] ?? respelled;
}

/**
 * The registry id a raw id prices as, or undefined. Order: the exact id; its canonical form;
 * its base without a snapshot suffix (unless that snapshot is priced apart); and, where the
 * provider's aliases name dated rows, the newest snapshot of an undated or `-latest` alias.
 */
export function matchModelId(provider: ProviderId, raw: string, known: KnownModels): string | undefined {
  const rules = modelIdRules[provider] ?? exactIds;
  if (known.has(raw)) return raw;
  const id = canonicalModelId(provider, raw);
  if (known.has(id)) return id;
  if (rules.pricedApart.has(id)) return undefined;

  const stripped = stripVersionSuffix(provider, id);
  if (stripped && known.has(stripped.base)) return stripped.base;
  if (!rules.aliasToSnapshot || stripped?.kind === "snapshot") return undefined;

  // Snapshots of one base differ only in a fixed-width date, so the greatest string is the newest.
  const snapshots = known.snapshotsOf(stripped?.base ?? id);
  return snapshots.reduce<string | undefined>((newest, s) => (newest === undefined || s > newest ? s : newest), undefined);
}
