import type { MetricsSnapshot } from "../../kit/probes.ts";
import { parseValue } from "../../kit/prometheus.ts";

/**
 * A histogram of the server's /metrics (parsed by the kit), and its percentiles between two
 * scrapes (what happened between them, not since the process started).
 */
export interface Histogram {
  /** Upper bounds in ascending order (the last one is +Inf), with cumulative counts. */
  bounds: number[];
  cumulative: number[];
  sum: number;
  count: number;
}

export function histogram(metrics: MetricsSnapshot, name: string): Histogram | undefined {
  const buckets = metrics.samples
    .filter((s) => s.name === `${name}_bucket` && s.labels.le !== undefined)
    .map((s) => ({ le: parseValue(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  if (buckets.length === 0) return undefined;
  return { bounds: buckets.map((b) => b.le), cumulative: buckets.map((b) => b.count), sum: metrics.sum(`${name}_sum`), count: metrics.sum(`${name}_count`) };
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

/**
 * The q-quantile (0..1) as Prometheus' histogram_quantile() computes it: linear interpolation
 * inside the bucket holding rank q·count, with that bucket's bounds (the true value lies in
 * (lower, upper]). One in the +Inf bucket is the last finite bound, with upper = Infinity.
 */
export function bucketQuantile(h: Histogram, q: number): { estimate: number; lower: number; upper: number } | undefined {
  if (h.count <= 0) return undefined;
  const rank = q * h.count;
  const i = h.cumulative.findIndex((c) => c >= rank);
  if (i < 0) return undefined;
  const upper = h.bounds[i];
  const lower = i === 0 ? 0 : h.bounds[i - 1];
  if (upper === Infinity) return { estimate: lower, lower, upper };
  const below = i === 0 ? 0 : h.cumulative[i - 1];
  const inBucket = h.cumulative[i] - below;
  return { estimate: inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper, lower, upper };
}
