/**
 * The render timeline for other tadpoles: which server instant to show them at.
 *
 * Entity interpolation (Gambetta; Valve's `cl_interp`) draws remote entities a little in the
 * past, between two states already received, so packets that arrive unevenly still play back
 * evenly. How far in the past is the knob: too little and the buffer runs dry whenever a patch
 * is late; too much and everything else looks laggy. Here it follows the link:
 *
 *   target delay = max(2 · patchInterval, patchInterval + 2.5 · jitter + margin)
 *
 * (two patch intervals on a clean link, as Valve's default; more when patches arrive unevenly),
 * measured from the freshest path a patch has taken recently, i.e. the windowed minimum of
 * (arrival time − server send time). The render instant then *slews* toward `now − floor − delay`:
 * it advances at 1 ms per ms, slowed down by at most 5 % or sped up by at most 5 % while it
 * follows the delay, so a change of delay is a barely perceptible change of playback speed,
 * never a jump, and it never runs backwards.
 *
 * TCP stalls: when patches stop arriving (a retransmission holds the stream), the instant runs
 * on past the newest patch for at most `maxExtrapolateMs` (remotes are extrapolated meanwhile)
 * and then waits for data; every remote stops together. When the data comes it continues from
 * where it stopped, now further behind than the delay asks, and catches up by playing up to
 * 25 % fast: the world stutters in time, not in space, so nothing snaps or steps back. A gap that was not a stall
 * (nothing changed on the server, so no patch was sent, and the next one came on time) is
 * skipped in one step: nothing moved in it. Only a gross error (> 1 s: first patch, a tab that
 * slept, a stall of over a second) re-seats the instant in one step.
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
  /** The timeline runs at most this far past the newest patch (remotes are extrapolated that far), ms (default 100). */
  maxExtrapolateMs?: number;
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

const DEFAULTS: Required<Omit<PlayoutOptions, "fixedDelayMs">> = {
  minPatches: 2,
  jitterFactor: 2.5,
  marginMs: 10,
  maxDelayMs: 400,
  maxRateChange: 0.05,
  catchUpRate: 0.25,
  maxExtrapolateMs: 100,
  convergeMs: 250,
  reseatMs: 1000,
  floorWindowMs: 5000,
  riseMs: 300,
  fallMs: 4000,
};

/** The delay rule on its own: what the render delay aims for given the link's cadence and jitter. */
export function targetDelayMs(patchIntervalMs: number, jitterMs: number, options: PlayoutOptions = {}): number {
  if (options.fixedDelayMs !== undefined) return options.fixedDelayMs;
  const o = { ...DEFAULTS, ...options };
  const p = patchIntervalMs > 0 ? patchIntervalMs : 50;
  const d = Math.max(o.minPatches * p, p + o.jitterFactor * (jitterMs > 0 ? jitterMs : 0) + o.marginMs);
  return d < o.maxDelayMs ? d : o.maxDelayMs;
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
  private floorNow = NaN;
  private lastFrame = NaN;
  /** Server time of the newest patch received. */
  private newest = 0;
  private patchMs = 50;

  constructor(options: PlayoutOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.fixed = options.fixedDelayMs;
    this.targetMs = this.fixed ?? 2 * 50;
    this.floor = new WindowMin(this.o.floorWindowMs);
  }

  /** A patch stamped `serverTime` (server clock) arrived at local time `arrivedAt` (performance.now()). */
  onPatch(arrivedAt: number, serverTime: number): void {
    if (!(serverTime > 0)) return;
    const previous = this.newest;
    if (serverTime > this.newest) this.newest = serverTime;
    this.floorNow = this.floor.push(arrivedAt - serverTime, arrivedAt);
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

    const want = targetDelayMs(patchIntervalMs, jitterMs, this.fixed !== undefined ? { fixedDelayMs: this.fixed } : this.o);
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
      this.renderTime = Math.min(desired, limit);
    } else {
      let rate = error / this.o.convergeMs;
      const slow = this.o.maxRateChange;
      // Behind by more than the delay can explain (a stall): catch up faster.
      const fast = error > this.o.convergeMs * slow ? this.o.catchUpRate : slow;
      rate = rate > fast ? fast : rate < -slow ? -slow : rate;
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
    this.floorNow = NaN;
    this.renderTime = NaN;
    this.lastFrame = NaN;
    this.newest = 0;
  }
}
