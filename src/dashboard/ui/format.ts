/** Numbers as people read them, with Intl. */
const locale = undefined;
const usd = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumSignificantDigits: 2, maximumSignificantDigits: 3 });
const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const change = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
const ms = new Intl.NumberFormat(locale, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 });
const when = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });

/** Dollars; amounts under a dollar keep three significant digits, so $0.0148 and $0.0138 do not both read as $0.01. */
export const money = (v: number | null | undefined) => (v == null ? "—" : v !== 0 && Math.abs(v) < 1 ? usdSmall.format(v) : usd.format(v));
/**
 * One money format for a whole column: as many decimals as its smallest
 * non-zero amount needs for three significant digits (2 to 8), so $0.811 and
 * $0.280 line up instead of $0.811 over $0.28.
 */
export function moneyColumn(values: readonly (number | null | undefined)[]): (v: number | null | undefined) => string {
  const small = values.filter((v): v is number => v != null && v !== 0).map(Math.abs);
  const least = small.length ? Math.min(...small) : 1;
  const digits = least >= 1 ? 2 : Math.min(8, Math.max(2, 2 - Math.floor(Math.log10(least))));
  const f = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (v) => (v == null ? "unknown" : f.format(v));
}

/** Spend of requests some of which have no known price: never "$0.00" for what is unknown. */
export function spend(costUsd: number, requests: number, unpriced: number, format: (v: number) => string = money): string {
  if (unpriced > 0 && unpriced >= requests) return "unknown";
  return unpriced > 0 ? `${format(costUsd)} + ${int.format(unpriced)} unknown` : format(costUsd);
}

export const count = (v: number | null | undefined) => (v == null ? "—" : int.format(v));
export const percent = (ratio: number | null | undefined) => (ratio == null ? "—" : pct.format(ratio));
export const millis = (v: number | null | undefined) => (v == null ? "—" : ms.format(v));
const secs = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 });
/** A latency: ms under a second ("840 ms"), seconds from one on ("27 s", "1.25 s"). */
export const duration = (v: number | null | undefined) => (v == null ? "—" : v >= 1000 ? `${secs.format(v / 1000)} s` : ms.format(v));
export const time = (iso: string | null | undefined) => (iso == null ? "—" : when.format(new Date(iso)));
const shortOptions = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" } as const;
const short = new Intl.DateTimeFormat(locale, shortOptions);
const shortUtc = new Intl.DateTimeFormat(locale, { ...shortOptions, timeZone: "UTC" });
/** An instant with its zone, for chart read-outs and marks: "Dec 8, 02:00 PM UTC". */
export const stamp = (ms: number, timeZone?: "UTC") => (timeZone ? shortUtc : short).format(new Date(ms));
/** The browser's time zone, as charts label their axis. */
export const zoneName = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Below this share of the current value, a previous value is too small for a percentage to mean anything (+1,900 % and beyond reads "new"). */
const tinyBase = 1 / 20;

/** Change from the previous value: "+25%", "−10%", or "new" when there was none or next to none. */
export function delta(now: number, before: number): string {
  if (before === 0 && now === 0) return "±0%";
  if (before <= 0 || (now > 0 && before < now * tinyBase)) return "new";
  return change.format((now - before) / before);
}

const signedUsd = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero" });
const signedUsdSmall = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumSignificantDigits: 2, maximumSignificantDigits: 3, signDisplay: "exceptZero" });
const signedPoints = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: "exceptZero" });

/** A change in dollars, signed: "+$1.20", "−$0.0031". */
export const moneyDelta = (now: number, before: number) => {
  const d = now - before;
  return d !== 0 && Math.abs(d) < 1 ? signedUsdSmall.format(d) : signedUsd.format(d);
};

/** A change of a rate (0…1) in percentage points, never relative: 2 % → 4.7 % is "+2.7 pts". */
export const pointsDelta = (now: number, before: number) => `${signedPoints.format((now - before) * 100)} pts`;
