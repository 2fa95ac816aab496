/**
 * The benchmark's view of the pond server's /metrics (parsed by the kit): histograms, and
 * percentiles from the difference of two histogram scrapes (what happened between them, not
 * since the process started).
 */

import type { MetricsSnapshot } from "../../kit/probes.ts";
import { parseValue } from "../../kit/prometheus.ts";

export interface Histogram {
  /** Upper bounds in ascending order; the last one is +Inf. */
  bounds: number[];
  /** Cumulative counts per bound (same order). */
  cumulative: number[];
  sum: number;
  count: number;
}

/** One read of /metrics (the kit's parse), stamped with when it was read (performance.now()). */
export interface Scrape {
  at: number;
  metrics: MetricsSnapshot;
}

export function histogram(scrape: Scrape, name: string): Histogram | undefined {
  const buckets = scrape.metrics.samples
    .filter((s) => s.name === `${name}_bucket` && s.labels.le !== undefined)
    .map((s) => ({ le: parseValue(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  if (buckets.length === 0) return undefined;
  return {
    bounds: buckets.map((b) => b.le),
    cumulative: buckets.map((b) => b.count),
    sum: scrape.metrics.sum(`${name}_sum`),
    count: scrape.metrics.sum(`${name}_count`),
  };
}

/** What the histogram recorded between two scrapes (`after` minus `before`). */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((c, i) => c - (before.cumulative[i] ?? 0)),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

export interface BucketQuantile {
  /** Linear interpolation inside the bucket holding the quantile (Prometheus' histogram_quantile). */
  estimate: number;
  /** The bucket's bounds: the true quantile lies in (lower, upper]. */
  lower: number;
  upper: number;
}

/**
 * The q-quantile (0..1) of a histogram, the way Prometheus' histogram_quantile() computes it:
 * find the bucket holding rank q·count and interpolate linearly inside it. The true value is only
 * known to lie within that bucket, so the bounds are returned too. A quantile that falls in the
 * +Inf bucket is reported as the last finite bound (and upper = Infinity).
 */
export function bucketQuantile(h: Histogram, q: number): BucketQuantile | undefined {
  if (h.count <= 0) return undefined;
  const rank = q * h.count;
  for (let i = 0; i < h.bounds.length; i++) {
    if (h.cumulative[i] >= rank) {
      const upper = h.bounds[i];
      const lower = i === 0 ? 0 : h.bounds[i - 1];
      if (upper === Infinity) return { estimate: lower, lower, upper };
      const below = i === 0 ? 0 : h.cumulative[i - 1];
      const inBucket = h.cumulative[i] - below;
      const estimate = inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper;
      return { estimate, lower, upper };
    }
  }
  return undefined;
}
