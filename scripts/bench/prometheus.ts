/**
 * Just enough of the Prometheus text format to read the pond server's /metrics: plain samples
 * (counters, gauges) and histograms, and percentiles from the difference of two histogram
 * scrapes (what happened between them, not since the process started).
 */

import { parseSamples, parseValue, type Sample } from "../../kit/prometheus.ts";

export interface Histogram {
  /** Upper bounds in ascending order; the last one is +Inf. */
  bounds: number[];
  /** Cumulative counts per bound (same order). */
  cumulative: number[];
  sum: number;
  count: number;
}

export interface Scrape {
  at: number;
  samples: Sample[];
}

export function parseMetrics(text: string, at = performance.now()): Scrape {
  return { at, samples: parseSamples(text) };
}

/** The value of an unlabelled (or first matching) sample; undefined when absent. */
export function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const s of scrape.samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  }
  return undefined;
}

export function histogram(scrape: Scrape, name: string): Histogram | undefined {
  const buckets = scrape.samples
    .filter((s) => s.name === `${name}_bucket` && s.labels.le !== undefined)
    .map((s) => ({ le: parseValue(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  if (buckets.length === 0) return undefined;
  return {
    bounds: buckets.map((b) => b.le),
    cumulative: buckets.map((b) => b.count),
    sum: value(scrape, `${name}_sum`) ?? 0,
    count: value(scrape, `${name}_count`) ?? 0,
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
