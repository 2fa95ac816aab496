/**
 * A per-second rate over a sliding window, kept in fixed time buckets: add() and rate() are O(1)
 * and O(buckets) and allocate nothing, so an overlay can read it every frame.
 */
export class RateMeter {
  private readonly bucketMs: number;
  private readonly counts: Float64Array;
  private readonly epochs: Float64Array;
  private startedAt: number;

  /**
   * @param windowMs how far back the rate looks (default 2 s)
   * @param buckets  resolution of the window (default 20 buckets of 100 ms)
   * @param startedAt when counting began (performance.now() ms); the first seconds are averaged
   *                  over the time since then rather than the whole window
   */
  constructor(readonly windowMs = 2000, buckets = 20, startedAt = performance.now()) {
    this.bucketMs = windowMs / buckets;
    this.counts = new Float64Array(buckets);
    this.epochs = new Float64Array(buckets).fill(-1);
    this.startedAt = startedAt;
  }

  add(now: number, amount = 1): void {
    const epoch = Math.floor(now / this.bucketMs);
    const i = epoch % this.counts.length;
    if (this.epochs[i] !== epoch) {
      this.epochs[i] = epoch;
      this.counts[i] = 0;
    }
    this.counts[i] += amount;
  }

  /** Amount per second over the window ending at `now`. */
  rate(now: number): number {
    const n = this.counts.length;
    const epoch = Math.floor(now / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = this.epochs[i];
      if (e > epoch - n && e <= epoch) sum += this.counts[i];
    }
    // The window is the n − 1 whole buckets before this one plus the elapsed part of this one.
    let span = (n - 1) * this.bucketMs + (now - epoch * this.bucketMs);
    const since = now - this.startedAt;
    if (since < span) span = since > this.bucketMs ? since : this.bucketMs;
    return span > 0 ? (sum * 1000) / span : 0;
  }

  /** Forgets everything counted so far (e.g. after a reconnect). */
  reset(now: number): void {
    this.epochs.fill(-1);
    this.counts.fill(0);
    this.startedAt = now;
  }
}
