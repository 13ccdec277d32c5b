/**
 * The fixed latency histogram kept in every rollup row, and percentiles read
 * back from it. Buckets are log-spaced, five per decade: bucket 0 holds
 * [0, 1 ms), bucket i (1…30) holds [10^((i−1)/5), 10^(i/5)) ms, and bucket 31
 * holds everything from 1000 s up. Each bucket spans a factor 10^(1/5) ≈ 1.585.
 *
 * Error bound of `percentile`: the true nearest-rank percentile lies in the
 * bucket the estimate comes from, and the estimate is that bucket's geometric
 * midpoint, so for latencies between 1 ms and 1000 s it is within a factor
 * √1.585 ≈ 1.259 of the truth (−20.6 % … +25.9 %). Below 1 ms the absolute
 * error is under 1 ms. The estimate is clamped to the observed min and max,
 * which makes it exact when all the latencies in range are equal (e.g. one
 * request) and never reports a value no request had.
 */
export const latencyBucketCount = 32;
const perDecade = 5;

export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(latencyBucketCount - 1, Math.floor(perDecade * Math.log10(ms)) + 1);
}

/** [lower, upper) in ms; the last bucket's upper bound is Infinity. */
export function bucketBounds(i: number): [number, number] {
  if (i === 0) return [0, 1];
  const upper = i === latencyBucketCount - 1 ? Infinity : 10 ** (i / perDecade);
  return [10 ** ((i - 1) / perDecade), upper];
}

/**
 * The q-quantile (0 < q ≤ 1, nearest rank) of the latencies counted in
 * `counts`, or null when there are none.
 */
export function percentile(counts: readonly number[], q: number, min: number | null, max: number | null): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  let bucket = counts.length - 1;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) {
      bucket = i;
      break;
    }
  }
  const [lo, hi] = bucketBounds(bucket);
  const estimate = bucket === 0 ? hi / 2 : hi === Infinity ? lo : Math.sqrt(lo * hi);
  return clamp(estimate, min ?? -Infinity, max ?? Infinity);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
