import { DRY_MEMORY_MS, LATE_CAPACITY, LATE_PRECISION_MS, LATE_SKIP_PATCHES, PLAYOUT_DEFAULTS } from "./tuning.ts";

/**
 * The render timeline for other tadpoles: which server instant to show them at.
 *
 * Entity interpolation (Gambetta; Valve's `cl_interp`) draws remote entities a little in the
 * past, between two states already received, so packets that arrive unevenly still play back
 * evenly. How far in the past is the knob: too little and the buffer runs dry whenever a patch
 * is late; too much and everything else looks laggy. Here it follows the link:
 *
 *   target delay = max(2 · patchInterval, patchInterval + 2.5 · jitter + margin,
 *                      patchInterval + late + margin)
 *
 * (two patch intervals on a clean link, as Valve's default; more when patches arrive unevenly),
 * measured from the freshest path a patch has taken recently, i.e. the windowed minimum of
 * (arrival time − server send time). `late` is the least extra wait with which the patches of
 * the last 10 s would have left the view dry at most 0.5 % of the time ({@link LateWindow}): on
 * TCP a lost segment holds the whole stream for a retransmission (~300 ms), which the RFC 3550
 * jitter barely sees, so the delay answers to the stalls the link actually has, up to
 * `maxDelayMs`. The render instant then *slews* toward
 * `now − floor − delay`: it advances at 1 ms per ms, slowed down by at most 5 % or sped up by at
 * most 5 % while it follows the delay, so a change of delay is a barely perceptible change of
 * playback speed, never a jump, and it never runs backwards.
 *
 * TCP stalls: when patches stop arriving (a retransmission holds the stream), the instant runs
 * on past the newest patch (remotes keep swimming: RemoteView extrapolates them), at 75 % speed:
 * a stall the delay did not cover makes the delay longer by a quarter of it at once, before the
 * late patches even arrive to raise the target. Only past `maxExtrapolateMs` does it wait for
 * data. When the data comes it continues from where it was; behind the delay it aims for, it
 * catches up by playing up to 25 % fast. A gap that was not a stall (nothing changed on the
 * server, so no patch was sent, and the next one came on time) is skipped in one step: nothing
 * moved in it. Only a gross error (> 1 s: first patch, a tab that slept, a stall of over a
 * second) re-seats the instant in one step.
 *
 * The room clock's `serverNow()` and smoothed RTT step whenever a patch updates their EMAs, and
 * a fixed delay never adapts; this class gives RemoteView a monotonic, jitter-adaptive instant
 * to interpolate its samples at instead.
 */

export interface PlayoutOptions {
  /** A fixed delay in ms instead of the adaptive one. */
  fixedDelayMs?: number;
  /** The delay never goes below this many patch intervals (default 2). */
  minPatches?: number;
  /** Multiplier of the measured jitter (default 2.5). */
  jitterFactor?: number;
  /** Added on top of patchInterval + jitter term, ms (default 10). */
  marginMs?: number;
  /** Upper bound of the adaptive delay, ms (default 400). */
  maxDelayMs?: number;
  /** Largest playback-speed change used to follow the delay, as a fraction (default 0.05 = ±5 %). */
  maxRateChange?: number;
  /** Largest speed-up used to catch up after the stream stalled, as a fraction (default 0.25). */
  catchUpRate?: number;
  /** Slow-down while past the newest patch (the buffer ran dry), as a fraction (default 0.25). */
  dryRate?: number;
  /** The timeline runs at most this far past the newest patch (remotes are extrapolated that far), ms (default 150). */
  maxExtrapolateMs?: number;
  /** Share of the time the view may be left with nothing new to show by the stalls of the recent patches (default 0.005). */
  dryBudget?: number;
  /** How long a late patch counts toward the delay, ms (default 10 000). */
  lateWindowMs?: number;
  /** An error this large (ms) gets the full rate change; smaller errors proportionally less (default 250). */
  convergeMs?: number;
  /** Past this error (ms) the render instant is re-seated instead of slewed (default 1000). */
  reseatMs?: number;
  /** How long the arrival floor remembers a fast patch, ms (default 5000). */
  floorWindowMs?: number;
  /** Time constant for the target delay rising / falling, ms (defaults 300 / 4000). */
  riseMs?: number;
  fallMs?: number;
}

const DEFAULTS: Required<Omit<PlayoutOptions, "fixedDelayMs">> = PLAYOUT_DEFAULTS;

/**
 * The delay rule on its own: what the render delay aims for given the link's cadence, its jitter
 * and how late its recent patches came (`lateMs`, see {@link LateWindow}).
 */
export function targetDelayMs(patchIntervalMs: number, jitterMs: number, options: PlayoutOptions = {}, lateMs = 0): number {
  if (options.fixedDelayMs !== undefined) return options.fixedDelayMs;
  const minPatches = options.minPatches ?? DEFAULTS.minPatches;
  const jitterFactor = options.jitterFactor ?? DEFAULTS.jitterFactor;
  const margin = options.marginMs ?? DEFAULTS.marginMs;
  const max = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const p = patchIntervalMs > 0 ? patchIntervalMs : 50;
  const d = Math.max(minPatches * p, p + jitterFactor * (jitterMs > 0 ? jitterMs : 0) + margin, p + (lateMs > 0 ? lateMs : 0) + margin);
  return d < max ? d : max;
}


/**
 * How late the link's patches come, as the render delay needs it: the least extra delay `x`
 * (beyond one patch interval) with which, replayed over the recent patches, the view would have
 * had nothing new to show for at most `budget` of the time.
 *
 * A patch that comes `L` ms after the freshest path leaves the view dry for `L − x` ms, unless
 * the one before it came so late that it already covered that wait: on TCP every patch held
 * behind a lost one arrives with it, one interval less late each, and costs nothing more. So
 * the wait for patch i is `max(0, Lᵢ − max(x, Lᵢ₋₁ − interval))`, summed over the window: one
 * stall counts once, however many patches it held, and a link with a stall a second needs far
 * more delay than one hiccup in ten seconds. (Arrival − server time is kept; lateness is that
 * minus the freshest path at the time of asking.) Nothing allocates after construction.
 */
export class LateWindow {
  private readonly t = new Float64Array(LATE_CAPACITY);
  private readonly v = new Float64Array(LATE_CAPACITY);
  private head = 0;
  private size = 0;
  private skip = LATE_SKIP_PATCHES;
  /** The extra delay the recent patches ask for, ms (0 before any). */
  value = 0;

  constructor(readonly windowMs: number, readonly budget: number, readonly ignoreAboveMs = 1000) {}

  /**
   * A patch took `transit` (arrival − server time, ms), arriving at `time`; `floor` is the
   * freshest path now, `intervalMs` the patch cadence.
   */
  push(transit: number, time: number, floor: number, intervalMs: number): void {
    if (this.skip > 0) { this.skip--; return; }
    // A tab that slept, or a stall over a second: re-seated, not waited for.
    if (transit - floor > this.ignoreAboveMs) return;
    this.t[this.head] = time;
    this.v[this.head] = transit;
    this.head = (this.head + 1) % LATE_CAPACITY;
    if (this.size < LATE_CAPACITY) this.size++;
    this.value = this.solve(time, floor, intervalMs);
  }

  clear(): void {
    this.size = 0;
    this.head = 0;
    this.skip = LATE_SKIP_PATCHES;
    this.value = 0;
  }

  /** The least x whose replayed dry time is within budget (bisection: it falls as x grows). */
  private solve(now: number, floor: number, interval: number): number {
    const from = now - this.windowMs;
    let oldest = now;
    let most = 0;
    for (let k = 0; k < this.size; k++) {
      const i = this.index(k);
      if (this.t[i] < from) continue;
      if (this.t[i] < oldest) oldest = this.t[i];
      const late = this.v[i] - floor;
      if (late > most) most = late;
    }
    // The time the window covers (short after a join: the first stall is answered in full).
    const allowed = this.budget * (now - oldest);
    if (this.dry(0, from, floor, interval) <= allowed) return 0;
    let lo = 0;
    let hi = most;
    while (hi - lo > LATE_PRECISION_MS) {
      const mid = (lo + hi) / 2;
      if (this.dry(mid, from, floor, interval) <= allowed) hi = mid; else lo = mid;
    }
    return hi;
  }

  /** Total time (ms) the view would have been dry over the window with extra delay x. */
  private dry(x: number, from: number, floor: number, interval: number): number {
    let total = 0;
    let before = -Infinity;   // the previous patch's lateness
    for (let k = 0; k < this.size; k++) {
      const i = this.index(k);
      const late = this.v[i] - floor;
      if (this.t[i] >= from) {
        const covered = before - interval > x ? before - interval : x;
        if (late > covered) total += late - covered;
      }
      before = late;
    }
    return total;
  }

  /** Ring slot of the k-th patch, oldest first. */
  private index(k: number): number {
    return (this.head - this.size + k + LATE_CAPACITY) % LATE_CAPACITY;
  }
}

/** Sliding-window minimum over (time, value) samples: a monotonic deque in fixed ring buffers. */
export class WindowMin {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private front = 0;
  private size = 0;

  constructor(readonly windowMs: number, capacity = 1024) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(value: number, time: number): number {
    const cap = this.t.length;
    // Drop newer-side entries that can never be the minimum again.
    while (this.size > 0 && this.v[(this.front + this.size - 1) % cap] >= value) this.size--;
    if (this.size === cap) { this.front = (this.front + 1) % cap; this.size--; }
    const back = (this.front + this.size) % cap;
    this.t[back] = time;
    this.v[back] = value;
    this.size++;
    this.expire(time);
    return this.v[this.front];
  }

  /** Current minimum (NaN when empty). */
  min(now: number): number {
    this.expire(now);
    return this.size > 0 ? this.v[this.front] : NaN;
  }

  clear(): void {
    this.size = 0;
  }

  private expire(now: number): void {
    const cap = this.t.length;
    // Keep the newest entry even when old: a minimum is better than none.
    while (this.size > 1 && this.t[this.front] < now - this.windowMs) {
      this.front = (this.front + 1) % cap;
      this.size--;
    }
  }
}

export class Playout {
  /** The instant to render remote tadpoles at, on the server clock (ms since room start); NaN before the first patch. */
  renderTime = NaN;
  /** The delay the timeline is converging to (smoothed), ms. */
  targetMs: number;
  private readonly o: Required<Omit<PlayoutOptions, "fixedDelayMs">>;
  private readonly fixed: number | undefined;
  private readonly floor: WindowMin;
  private readonly late: LateWindow;
  private floorNow = NaN;
  private lastFrame = NaN;
  /** Local time the timeline last ran past the newest patch. */
  private dryAt = -Infinity;
  /** Server time of the newest patch received. */
  private newest = 0;
  private patchMs = 50;

  constructor(options: PlayoutOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.fixed = options.fixedDelayMs;
    this.targetMs = this.fixed ?? 2 * 50;
    this.floor = new WindowMin(this.o.floorWindowMs);
    this.late = new LateWindow(this.o.lateWindowMs, this.o.dryBudget, this.o.reseatMs);
  }

  /** The freshest path: the least (arrival − server time) of recent patches, ms (NaN before the first). */
  get freshestMs(): number {
    return this.floorNow;
  }

  /** How much later than the freshest path the recent patches came, as the delay must wait for them, ms. */
  get lateMs(): number {
    return this.late.value;
  }

  /** A patch stamped `serverTime` (server clock) arrived at local time `arrivedAt` (performance.now()). */
  onPatch(arrivedAt: number, serverTime: number): void {
    if (!(serverTime > 0)) return;
    const previous = this.newest;
    if (serverTime > this.newest) this.newest = serverTime;
    this.floorNow = this.floor.push(arrivedAt - serverTime, arrivedAt);
    if (serverTime > previous) this.late.push(arrivedAt - serverTime, arrivedAt, this.floorNow, this.patchMs);
    // We ran past the previous patch and this one leaves a gap in server time: if it came on
    // time, the gap was idle (no change, no patch), not a stall. Skip it: nothing moved in it.
    const r = this.renderTime;
    const p = this.patchMs;
    if (!Number.isNaN(r) && r > previous && serverTime - previous > 1.5 * p) {
      const late = arrivedAt - serverTime - this.floorNow;
      if (late <= this.targetMs - p) {
        const desired = arrivedAt - this.floorNow - this.targetMs;
        const to = Math.min(desired, serverTime - p);
        if (to > r) this.renderTime = to;
      }
    }
  }

  /**
   * Advances the timeline by one frame. `frameNow` gives the frame spacing (any ms clock, e.g.
   * the rAF timestamp); `localNow` is performance.now(), the clock patches were stamped with.
   */
  update(frameNow: number, localNow: number, patchIntervalMs: number, jitterMs: number): number {
    const dt = Number.isNaN(this.lastFrame) ? 0 : Math.max(0, frameNow - this.lastFrame);
    this.lastFrame = frameNow;

    const want = targetDelayMs(patchIntervalMs, jitterMs, this.fixed !== undefined ? { fixedDelayMs: this.fixed } : this.o, this.lateMs);
    if (this.fixed !== undefined) this.targetMs = want;
    else if (dt > 0) {
      const tau = want > this.targetMs ? this.o.riseMs : this.o.fallMs;
      this.targetMs += (want - this.targetMs) * (1 - Math.exp(-dt / tau));
    }

    this.patchMs = patchIntervalMs > 0 ? patchIntervalMs : 50;
    const floor = this.floor.min(localNow);
    if (Number.isNaN(floor)) return this.renderTime;
    this.floorNow = floor;
    const desired = localNow - floor - this.targetMs;
    const limit = this.newest > 0 ? this.newest + this.o.maxExtrapolateMs : Infinity;
    // Where a 1 ms/ms clock would be now, and how far that is from where we want to be.
    const error = desired - (this.renderTime + dt);
    if (Number.isNaN(this.renderTime) || Math.abs(error) > this.o.reseatMs) {
      // Re-seated forward only: a jump back would step every remote backward.
      const seat = Math.min(desired, limit);
      this.renderTime = Number.isNaN(this.renderTime) || seat > this.renderTime ? seat : this.renderTime;
    } else {
      let rate = error / this.o.convergeMs;
      const slow = this.o.maxRateChange;
      // Behind by more than the delay can explain (a stall): catch up faster.
      const fast = error > this.o.convergeMs * slow ? this.o.catchUpRate : slow;
      // Short of the delay the stalls ask for, and running dry lately: lengthen it as fast.
      const brake = localNow - this.dryAt < DRY_MEMORY_MS ? this.o.catchUpRate : slow;
      rate = rate > fast ? fast : rate < -brake ? -brake : rate;
      // Dry (a stall the delay did not cover): remotes swim on, extrapolated, a little slower, so
      // the delay grows by part of the stall at once instead of waiting for the target to rise.
      if (this.newest > 0 && this.renderTime >= this.newest) {
        rate = -this.o.dryRate;
        this.dryAt = localNow;
      }
      let next = this.renderTime + dt * (1 + rate);
      // Dry: past the newest patch by the extrapolation cap, wait for data (never backward).
      if (next > limit) next = limit > this.renderTime ? limit : this.renderTime;
      this.renderTime = next;
    }
    return this.renderTime;
  }

  /** How far behind the freshest data the timeline actually renders, ms (0 before the first patch). */
  delayMs(localNow: number): number {
    if (Number.isNaN(this.renderTime) || Number.isNaN(this.floorNow)) return 0;
    return localNow - this.floorNow - this.renderTime;
  }

  /** Forget the link (after a reconnect: new socket, new path). */
  reset(): void {
    this.floor.clear();
    this.late.clear();
    this.floorNow = NaN;
    this.renderTime = NaN;
    this.lastFrame = NaN;
    this.newest = 0;
    this.dryAt = -Infinity;
  }
}
