import { RING_SAMPLES } from "./tuning.ts";

/**
 * One remote tadpole's recent authoritative states, stamped with the server time of the patch
 * that carried them, for entity interpolation: a fixed ring of (t, x, y, angle, speed) in one
 * Float64Array, oldest overwritten first. Nothing here allocates after construction.
 *
 * What goes in is cleaned up on the way so the reader can lerp blindly:
 * - the heading is stored unwrapped (each sample folded onto the previous one over the shortest
 *   arc), so interpolating it never spins the long way round across 0/2π;
 * - a jump larger than `snap` units between consecutive samples is a teleport: the ring is
 *   emptied, so the new place is shown at once instead of glided to;
 * - a gap in server time longer than 1.5 patch intervals over which the tadpole moved at most
 *   one interval's worth means the server sent nothing because nothing changed: a copy of the
 *   previous sample is held until one interval before the new one, so the motion resumes at its
 *   real pace instead of crawling across the whole gap. (Moved further, the server was late and
 *   ran several steps for one patch: the motion spans the gap, and is interpolated across it.)
 */

const STRIDE = 5;
const T = 0;
const X = 1;
const Y = 2;
const A = 3;
const S = 4;

export interface Sample {
  t: number;
  x: number;
  y: number;
  /** Unwrapped heading (continuous across samples; wrap it for display). */
  angle: number;
  speed: number;
}

export class SnapshotRing {
  private readonly buf: Float64Array;
  private readonly capacity: number;
  /** Slot the next sample goes to. */
  private head = 0;
  private size = 0;

  constructor(capacity = RING_SAMPLES) {
    this.capacity = capacity;
    this.buf = new Float64Array(capacity * STRIDE);
  }

  get count(): number {
    return this.size;
  }

  /** Server time of the newest sample (NaN when empty). */
  get newestT(): number {
    return this.size > 0 ? this.buf[this.offset(this.size - 1) + T] : NaN;
  }

  /** Server time of the oldest sample (NaN when empty). */
  get oldestT(): number {
    return this.size > 0 ? this.buf[this.offset(0)] : NaN;
  }

  /** Unwrapped heading of the newest sample (NaN when empty). */
  get newestAngle(): number {
    return this.size > 0 ? this.buf[this.offset(this.size - 1) + A] : NaN;
  }

  /** Speed of the newest sample (NaN when empty). */
  get newestSpeed(): number {
    return this.size > 0 ? this.buf[this.offset(this.size - 1) + S] : NaN;
  }

  /** Server time, unwrapped heading and speed of the sample before the newest (NaN with fewer than two). */
  get prevT(): number {
    return this.size > 1 ? this.buf[this.offset(this.size - 2) + T] : NaN;
  }

  get prevAngle(): number {
    return this.size > 1 ? this.buf[this.offset(this.size - 2) + A] : NaN;
  }

  get prevSpeed(): number {
    return this.size > 1 ? this.buf[this.offset(this.size - 2) + S] : NaN;
  }

  /**
   * Records the state at server time `t`. A sample at the newest sample's time replaces it (the
   * state was re-read within one patch); an older one is ignored. Returns true when the sample
   * was a teleport (the ring restarted from it).
   */
  push(t: number, x: number, y: number, angle: number, speed: number, snap: number, patchMs: number): boolean {
    const b = this.buf;
    if (this.size > 0) {
      const n = this.offset(this.size - 1);
      const newestT = b[n + T];
      if (t < newestT) return false;
      // The short way round from the previous heading (sin/cos make the difference 2π-periodic).
      const prevA = b[n + A];
      angle = prevA + Math.atan2(Math.sin(angle - prevA), Math.cos(angle - prevA));
      if (t === newestT) {
        // A re-read of the same patch: compare with what came before it, not with itself.
        this.size--;
        this.head = (this.head + this.capacity - 1) % this.capacity;
        if (this.size === 0) { this.write(t, x, y, angle, speed); return false; }
        return this.push(t, x, y, angle, speed, snap, patchMs);
      }
      const dx = x - b[n + X];
      const dy = y - b[n + Y];
      if (dx * dx + dy * dy > snap * snap) {
        this.size = 0;
        this.head = 0;
        this.write(t, x, y, angle, speed);
        return true;
      }
      if (patchMs > 0 && t - newestT > 1.5 * patchMs) {
        // Held only if it moved no more than one interval's worth: further, and the server was
        // late and stepped several times for one patch, so the motion spans the whole gap.
        const reach = (1.5 * Math.max(b[n + S], speed) * patchMs) / 1000;
        if (dx * dx + dy * dy <= reach * reach) this.write(t - patchMs, b[n + X], b[n + Y], prevA, b[n + S]);
      }
    }
    this.write(t, x, y, angle, speed);
    return false;
  }

  /**
   * The state at server time `t`, linear between the two samples around it; before the oldest
   * sample the oldest, after the newest the newest (NaN `t`: the newest). Returns false (and
   * leaves `out` alone) when the ring is empty.
   */
  sample(t: number, out: Sample): boolean {
    const size = this.size;
    if (size === 0) return false;
    const b = this.buf;
    const newest = this.offset(size - 1);
    if (!(t < b[newest + T])) return this.read(newest, out);
    const oldest = this.offset(0);
    if (t <= b[oldest + T]) return this.read(oldest, out);
    // The render instant moves forward a frame at a time: it is almost always in the newest
    // interval or the one before, so walk back from the newest.
    let k = size - 2;
    let o = this.offset(k);
    while (k > 0 && b[o + T] > t) o = this.offset(--k);
    const p = this.offset(k + 1);
    const t0 = b[o + T];
    const u = (t - t0) / (b[p + T] - t0);
    out.t = t;
    out.x = b[o + X] + (b[p + X] - b[o + X]) * u;
    out.y = b[o + Y] + (b[p + Y] - b[o + Y]) * u;
    out.angle = b[o + A] + (b[p + A] - b[o + A]) * u;
    out.speed = b[o + S] + (b[p + S] - b[o + S]) * u;
    return true;
  }

  /** Forgets every sample. */
  clear(): void {
    this.size = 0;
    this.head = 0;
  }

  /** Buffer offset of the `i`-th sample, oldest first. */
  private offset(i: number): number {
    return ((this.head - this.size + i + this.capacity) % this.capacity) * STRIDE;
  }

  private write(t: number, x: number, y: number, angle: number, speed: number): void {
    const o = this.head * STRIDE;
    const b = this.buf;
    b[o + T] = t; b[o + X] = x; b[o + Y] = y; b[o + A] = angle; b[o + S] = speed;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  private read(o: number, out: Sample): boolean {
    const b = this.buf;
    out.t = b[o + T]; out.x = b[o + X]; out.y = b[o + Y]; out.angle = b[o + A]; out.speed = b[o + S];
    return true;
  }
}
