import type { MetricsSnapshot } from "../../kit/probes.ts";
import { parseValue } from "../../kit/prometheus.ts";

/**
 * A histogram of the server's /metrics (parsed by the kit) between two scrapes (what happened
 * between them, not since the process started), and its percentiles.
 */
export interface Histogram {
  /** Upper bounds in ascending order (the last one is +Inf), with cumulative counts. */
  bounds: number[];
  cumulative: number[];
  sum: number;
  count: number;
}

/** Histogram `name` as recorded between the scrapes `before` and `after`; undefined when /metrics lacks it. */
export function histogramBetween(before: MetricsSnapshot, after: MetricsSnapshot, name: string): Histogram | undefined {
  const buckets = (m: MetricsSnapshot) => m.samples.filter((s) => s.name === `${name}_bucket` && s.labels.le !== undefined)
    .map((s) => ({ le: parseValue(s.labels.le), count: s.value })).sort((a, b) => a.le - b.le);
  const [from, to] = [buckets(before), buckets(after)];
  if (from.length === 0 || to.length === 0) return undefined;
  return {
    bounds: to.map((b) => b.le),
    cumulative: to.map((b, i) => b.count - (from[i]?.count ?? 0)),
    sum: after.sum(`${name}_sum`) - before.sum(`${name}_sum`),
    count: after.sum(`${name}_count`) - before.sum(`${name}_count`),
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
