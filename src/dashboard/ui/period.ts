/**
 * The one period picker's values: presets resolve to [from, to) when a view
 * loads, so every number on the page and its previous period share one clock.
 */
export const presets = {
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 h", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000 },
  "90d": { label: "Last 90 days", ms: 90 * 86_400_000 },
} as const;
export type PresetId = keyof typeof presets;
export const defaultPreset: PresetId = "24h";

export interface Range {
  from: number;
  to: number;
}

/** The period the URL names (`period`, or `from`/`to` for custom), resolved at `now`. */
export function periodOf(params: URLSearchParams, now = Date.now()): Range {
  const id = params.get("period") ?? defaultPreset;
  if (id === "custom") {
    const from = Date.parse(params.get("from") ?? "");
    const to = Date.parse(params.get("to") ?? "");
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { from, to };
  }
  const preset = presets[id as PresetId] ?? presets[defaultPreset];
  return { from: now - preset.ms, to: now };
}

export const previous = (r: Range): Range => ({ from: r.from - (r.to - r.from), to: r.from });

/** As GraphQL's PeriodInput. */
export const asInput = (r: Range) => ({ from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() });

/** Hours up to 3 days, days beyond. */
export const bucketFor = (r: Range): "HOUR" | "DAY" => (r.to - r.from <= 3 * 86_400_000 ? "HOUR" : "DAY");

/** A bucket's width and the zone its axis is read in: hours in the browser's zone, days as the server counts them (UTC). */
export const axisFor = (bucket: "HOUR" | "DAY"): { bucketMs: number; timeZone?: "UTC" } => (bucket === "HOUR" ? { bucketMs: 3_600_000 } : { bucketMs: 86_400_000, timeZone: "UTC" });
