/** Small numeric and formatting helpers for the reports. Pure. */

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Least-squares slope of y over x (per unit of x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** µs → "87 µs" / "1.24 ms" / "12.3 ms". */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return "–";
  const sign = us < 0 ? "−" : "";
  const a = Math.abs(us);
  if (a < 1000) return `${sign}${Math.round(a)} µs`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(2)} ms`;
  if (a < 100_000) return `${sign}${(a / 1000).toFixed(1)} ms`;
  return `${sign}${Math.round(a / 1000)} ms`;
}

/** 12345.6 → "12,346". */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return Math.round(n).toLocaleString("en-US");
}

export function fmtMb(kb: number): string {
  return kb > 0 ? `${(kb / 1024).toFixed(0)} MB` : "–";
}

/** A ratio with its target: "23.1× ✅ (≥ 20×)". */
export function fmtRatio(value: number, target: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value.toFixed(value < 10 ? 2 : 1)}× ${value >= target ? "✅" : "❌"}`;
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
