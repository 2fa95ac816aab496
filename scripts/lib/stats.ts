/** The statistics every benchmark reports with (nearest-rank percentiles, as the docs define them). */

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function min(values: readonly number[]): number {
  return values.length ? Math.min(...values) : NaN;
}

export function max(values: readonly number[]): number {
  return values.length ? Math.max(...values) : NaN;
}

/** Percentile (0..100) of a histogram of integer values (bin i counts value i). */
export function binPercentile(bins: readonly number[], p: number): number {
  let total = 0;
  for (const c of bins) total += c;
  if (total === 0) return NaN;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    seen += bins[i];
    if (seen >= rank) return i;
  }
  return bins.length - 1;
}

export function binMax(bins: readonly number[]): number {
  for (let i = bins.length - 1; i >= 0; i--) if (bins[i] > 0) return i;
  return NaN;
}

export function binCount(bins: readonly number[]): number {
  let total = 0;
  for (const c of bins) total += c;
  return total;
}
