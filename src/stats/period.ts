/**
 * Reporting periods: presets, validation, the previous period, and how a
 * period splits into what the rollups can answer. Pure; times are epoch ms
 * and a period is half-open, [from, to).
 */
import { fail, ok, type Result } from "../lib/result.ts";

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
/** The longest period a query may ask for. */
export const maxPeriodMs = 400 * dayMs;

export const presetLengths = {
  LAST_HOUR: hourMs,
  LAST_24_HOURS: dayMs,
  LAST_7_DAYS: 7 * dayMs,
  LAST_30_DAYS: 30 * dayMs,
  LAST_90_DAYS: 90 * dayMs,
} as const;
export type Preset = keyof typeof presetLengths;

export interface Period {
  from: number;
  to: number;
}

export interface PeriodInput {
  preset?: Preset | null;
  from?: number | null;
  to?: number | null;
}

/** Exactly one of a preset or from+to; from before to; at most 400 days. Presets end now. */
export function resolvePeriod(input: PeriodInput, now: number): Result<Period, string> {
  const hasFrom = input.from != null;
  const hasTo = input.to != null;
  if (input.preset != null) {
    if (hasFrom || hasTo) return fail("Give either period.preset or period.from and period.to, not both.");
    return ok({ from: now - presetLengths[input.preset], to: now });
  }
  if (!hasFrom || !hasTo) return fail("A period needs a preset, or both from and to.");
  const { from, to } = input as Period;
  if (from >= to) return fail("period.from must be before period.to.");
  if (to - from > maxPeriodMs) return fail("A period can be at most 400 days long.");
  return ok({ from, to });
}

/** The period of the same length that ends where this one starts. */
export function previousPeriod(p: Period): Period {
  return { from: p.from - (p.to - p.from), to: p.from };
}

export const floorTo = (t: number, unit: number) => t - mod(t, unit);
export const ceilTo = (t: number, unit: number) => (mod(t, unit) === 0 ? t : floorTo(t, unit) + unit);
const mod = (t: number, unit: number) => ((t % unit) + unit) % unit;

/**
 * Where each part of a period is answered from: whole UTC days from daily
 * rollups, whole hours from hourly rollups, and the partial hours at either
 * edge from the events themselves, so every period is exact to the
 * millisecond (the edges are at most two partial hours of one org's events).
 */
export interface Segments {
  events: Period[];
  hours: Period[];
  days: Period[];
}

export function splitPeriod({ from, to }: Period): Segments {
  const out: Segments = { events: [], hours: [], days: [] };
  const h0 = ceilTo(from, hourMs);
  const h1 = floorTo(to, hourMs);
  if (h0 >= h1) {
    out.events.push({ from, to });
    return out;
  }
  if (from < h0) out.events.push({ from, to: h0 });
  if (h1 < to) out.events.push({ from: h1, to });
  const d0 = ceilTo(h0, dayMs);
  const d1 = floorTo(h1, dayMs);
  if (d0 >= d1) {
    out.hours.push({ from: h0, to: h1 });
    return out;
  }
  if (h0 < d0) out.hours.push({ from: h0, to: d0 });
  out.days.push({ from: d0, to: d1 });
  if (d1 < h1) out.hours.push({ from: d1, to: h1 });
  return out;
}
