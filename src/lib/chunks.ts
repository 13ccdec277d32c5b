/**
 * Splits rows into chunks whose sizes are powers of two (largest first, at
 * most `max`), so multi-row statements come in a few fixed shapes that a
 * prepared-statement cache can reuse: 500 rows → 256 + 128 + 64 + 32 + 16 + 4.
 */
export function chunks<T>(rows: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let at = 0;
  while (at < rows.length) {
    let size = 1;
    while (size * 2 <= Math.min(max, rows.length - at)) size *= 2;
    out.push(rows.slice(at, at + size));
    at += size;
  }
  return out;
}
