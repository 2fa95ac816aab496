import type { Pose } from "../../shared/pose.ts";
import { DeadReckoning } from "./deadReckon.ts";
import { Playout, type PlayoutOptions } from "./playout.ts";
import { SnapshotRing, type Sample } from "./snapshots.ts";
import { FALLBACK_PATCH_MS, PLAYOUT_DEFAULTS, REMOTE_CORRECTION_MS, SNAP_UNITS } from "./tuning.ts";

/** What the view needs from the room's clock (room.clock satisfies it; tests pass a fake). */
export interface LinkClock {
  /** Server-encode time (server clock, ms) of the newest patch received; 0 before the first. */
  lastServerTime(): number;
  /** The server's patch cadence, ms (0 until advertised). */
  patchInterval?(): number;
  /** Interarrival jitter of patches, ms. */
  jitter(): number;
}

/**
 * A remote tadpole's moving fields: the latest authoritative values, updated in place before
 * each patch's `onPatch()` (a decoded schema Tadpole, or a plain object the position stream
 * writes into). Tracked by identity: the same object for as long as the tadpole is in view.
 * A pose in shape; the name says the object is the tracked source, not a copy.
 */
export type RemoteBody = Pose;
/** Where to draw a remote tadpole (the old name of the shared Pose, kept for tests and tools). */
export type RemotePose = Pose;

export interface RemoteViewOptions extends PlayoutOptions {
  /** Time constant of the correction when fresh data disagrees with the extrapolation, ms (default 120). */
  correctionMs?: number;
  /** A jump larger than this (units) is a teleport: shown at once, never glided (default 200). */
  snap?: number;
  /** Patch interval to assume until the server advertises one, ms (default 50). */
  fallbackPatchMs?: number;
}

const TWO_PI = Math.PI * 2;

/** A heading in [0, 2π), as drawn. */
function wrap(angle: number): number {
  angle %= TWO_PI;
  return angle < 0 ? angle + TWO_PI : angle;
}

/** Per remote tadpole: the pose drawn last frame, its samples, the extrapolation it last used and the correction still fading out. */
interface Track extends Pose {
  readonly body: RemoteBody;
  readonly ring: SnapshotRing;
  /** Position in RemoteView.list (kept for O(1) removal). */
  index: number;
  frame: number;
  now: number;
  /** Drawn from samples at least once (so an empty ring, after reset(), holds that pose). */
  shown: boolean;
  extrapolating: boolean;
  /** Carries it on past its newest sample with the shared movement step (while the stream is dry). */
  readonly reckon: DeadReckoning;
  offX: number;
  offY: number;
  /** Heading correction still fading out (rad). */
  offA: number;
  /** Last frame's position before the correction offset. */
  rawX: number;
  rawY: number;
}

/**
 * Renders other tadpoles: entity interpolation on a timeline of its own.
 *
 * 1. samples: at every patch each tracked body's current fields are recorded, stamped with the
 *    patch's server time ({@link SnapshotRing}: heading unwrapped, teleports cut, idle gaps
 *    held). Every body gets a sample at every patch, moving or not, so there are no per-body
 *    gaps; the bodies may be decoded schema objects or plain objects some other decoder fills;
 * 2. the render instant: a monotonic, jitter-adaptive timeline ({@link Playout}); each tadpole is
 *    drawn at the lerp of the two samples around it (before the oldest: the oldest);
 * 3. through gaps, not stops: when the render instant passes the newest sample (a late or
 *    retransmitted frame) each tadpole swims on along its latest heading at its latest speed
 *    (the kinematics of the shared movement step with the steering held), while the timeline
 *    slows a little to lengthen the delay (see Playout). Only a stall past `maxExtrapolateMs`
 *    (150 ms) stops the timeline: guessed any further, a tadpole that turned meanwhile would
 *    be carried astray, and back;
 * 4. correction smoothing: when the late data disagrees with the extrapolation (the tadpole
 *    turned), the difference (measured at the same instant, so it is pure error) fades out over
 *    `correctionMs` instead of jumping, without ever dragging the tadpole backward.
 *
 * Nothing here allocates per frame or per patch; one Track (and its ring) per remote tadpole is
 * made when it appears.
 */
export class RemoteView {
  readonly playout: Playout;
  private readonly tracks = new Map<RemoteBody, Track>();
  /** The same tracks, for iterating at every patch without an iterator. */
  private readonly list: Track[] = [];
  private readonly at: Sample = { t: 0, x: 0, y: 0, angle: 0, speed: 0 };
  /** Where a reckoning puts a tadpole (scratch, reused). */
  private readonly reckoned: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private frameNo = 0;
  private frameNow = 0;
  private readonly maxExtrapolateMs: number;
  private readonly correctionMs: number;
  private readonly snap: number;
  private readonly fallbackPatchMs: number;
  /** Frames in which some drawn tadpole was being extrapolated / held past the cap (diagnostics). */
  starvedFrames = 0;
  private starvedThisFrame = false;

  constructor(private readonly link: LinkClock, options: RemoteViewOptions = {}) {
    this.playout = new Playout(options);
    this.maxExtrapolateMs = options.maxExtrapolateMs ?? PLAYOUT_DEFAULTS.maxExtrapolateMs;
    this.correctionMs = options.correctionMs ?? REMOTE_CORRECTION_MS;
    this.snap = options.snap ?? SNAP_UNITS;
    this.fallbackPatchMs = options.fallbackPatchMs ?? FALLBACK_PATCH_MS;
  }

  /**
   * Starts interpolating `body` (call from onAdd). Between patches it gets its first sample now,
   * stamped with the newest patch's server time; the next patch adds the second.
   */
  add(body: RemoteBody): void {
    if (this.tracks.has(body)) return;
    const tr: Track = {
      body, ring: new SnapshotRing(), index: this.list.length,
      frame: -1, now: 0, shown: false, extrapolating: false, reckon: new DeadReckoning(),
      offX: 0, offY: 0, offA: 0, rawX: body.x, rawY: body.y, x: body.x, y: body.y, angle: body.angle, speed: body.speed,
    };
    this.tracks.set(body, tr);
    this.list.push(tr);
    const t = this.link.lastServerTime();
    if (t > 0) this.record(tr, t, this.patchMs());
  }

  remove(body: RemoteBody): void {
    const tr = this.tracks.get(body);
    if (tr === undefined) return;
    this.tracks.delete(body);
    const last = this.list.pop()!;
    if (last !== tr) { last.index = tr.index; this.list[tr.index] = last; }
  }

  has(body: RemoteBody): boolean {
    return this.tracks.has(body);
  }

  /**
   * A patch arrived (call from room.onStateChange with performance.now(), after the bodies hold
   * the patch's values): samples every tracked body at the patch's server time.
   */
  onPatch(arrivedAt: number): void {
    const t = this.link.lastServerTime();
    this.playout.onPatch(arrivedAt, t);
    if (!(t > 0)) return;
    const patchMs = this.patchMs();
    const list = this.list;
    for (let i = 0; i < list.length; i++) this.record(list[i], t, patchMs);
  }

  /** Once per frame, before reading poses. */
  frame(frameNow: number, localNow: number): void {
    this.frameNo++;
    this.frameNow = frameNow;
    if (this.starvedThisFrame) this.starvedFrames++;
    this.starvedThisFrame = false;
    this.playout.update(frameNow, localNow, this.patchMs(), this.link.jitter());
  }

  /** The server instant remote tadpoles are drawn at (NaN before the first patch). */
  get renderTime(): number {
    return this.playout.renderTime;
  }

  /** Where to draw remote `body` this frame. Writes into `out`. */
  pose(body: RemoteBody, out: Pose): Pose {
    const tr = this.tracks.get(body);
    if (tr === undefined) {
      out.x = body.x; out.y = body.y; out.angle = body.angle; out.speed = body.speed;
      return out;
    }
    if (tr.frame !== this.frameNo) this.evaluate(tr);
    out.x = tr.x; out.y = tr.y; out.angle = tr.angle; out.speed = tr.speed;
    return out;
  }

  /** Forget the timeline and the samples (reconnect: what came before the gap is stale). */
  reset(): void {
    this.playout.reset();
    for (const tr of this.list) {
      tr.ring.clear();
      tr.frame = -1; tr.extrapolating = false; tr.offX = 0; tr.offY = 0; tr.offA = 0;
    }
  }

  private patchMs(): number {
    return this.link.patchInterval?.() || this.fallbackPatchMs;
  }

  private record(tr: Track, t: number, patchMs: number): void {
    const b = tr.body;
    if (tr.ring.push(t, b.x, b.y, b.angle, b.speed, this.snap, patchMs)) {
      // A teleport: whatever we were extrapolating or smoothing belongs to the old place.
      tr.extrapolating = false;
      tr.offX = 0;
      tr.offY = 0;
      tr.offA = 0;
    }
  }

  private evaluate(tr: Track): void {
    const now = this.frameNow;
    const dt = tr.frame < 0 ? 0 : now - tr.now;
    tr.frame = this.frameNo;
    tr.now = now;

    // 1. The samples at our render instant (the newest when it runs dry).
    const ring = tr.ring;
    const s = this.at;
    const render = this.playout.renderTime;
    if (!ring.sample(render, s)) {
      // No samples: before the first patch, the decoded values as they are; after reset(), what
      // was drawn last, until the link brings news (it was just extrapolated: falling back to the
      // latest values would step it backward).
      if (!tr.shown) {
        const body = tr.body;
        tr.x = body.x; tr.y = body.y; tr.angle = wrap(body.angle); tr.speed = body.speed;
      }
      return;
    }
    tr.shown = true;
    let x = s.x;
    let y = s.y;
    let angle = s.angle;
    let speed = s.speed;
    const latestSpeed = ring.newestSpeed;

    // 2. Past the newest sample: swim on with the shared step, as it was steering (DeadReckoning).
    const newest = ring.newestT;          // NaN when empty: never dry
    const dry = render > newest;
    const cap = this.maxExtrapolateMs;
    const reckon = tr.reckon;
    let absorbed = false;
    if (dry) {
      if (tr.extrapolating && reckon.baseT !== newest) {
        // Newer data, still dry: the old reckoning and the new one, at the same instant.
        const old = reckon.at(Math.min(render - reckon.baseT, cap), this.reckoned);
        const ox = old.x, oy = old.y, oa = old.angle;
        this.startReckoning(tr);
        const now = reckon.at(Math.min(render - newest, cap), this.reckoned);
        this.absorb(tr, ox - now.x, oy - now.y, oa - now.angle);
        absorbed = true;
      } else if (!tr.extrapolating) {
        this.startReckoning(tr);
      }
      tr.extrapolating = true;
      const ahead = render - newest;
      const p = reckon.at(Math.min(ahead, cap), this.reckoned);
      x = p.x; y = p.y; angle = p.angle; speed = p.speed;
      if (latestSpeed > 0 && ahead > 0) this.starvedThisFrame = true;
    } else if (tr.extrapolating) {
      // 3. Fresh data again: what we showed vs what the samples now say, at the same instant.
      const old = reckon.at(Math.min(render - reckon.baseT, cap), this.reckoned);
      this.absorb(tr, old.x - x, old.y - y, old.angle - angle);
      absorbed = true;
      tr.extrapolating = false;
    }

    // Fade the correction, but never let the fade drag the drawn tadpole backward along the way
    // it is moving (interpolated: the true path's motion; extrapolated: its reckoned path): the
    // backward part of this frame's step is kept for later frames. When the raw position stands
    // still although the tadpole is swimming (held past the extrapolation cap, or holding over a
    // gap) nothing new is known and the direction is unclear, so the correction waits; likewise
    // in the frame a correction was taken, whose raw step is the very jump it hides. A tadpole
    // at rest fades freely: there is no motion to go against.
    const mx = x - tr.rawX;
    const my = y - tr.rawY;
    const m = Math.hypot(mx, my);
    const waiting = absorbed || (m <= 1e-6 && latestSpeed > 0);
    if (dt > 0 && !waiting && (tr.offX !== 0 || tr.offY !== 0 || tr.offA !== 0)) {
      const k = Math.exp(-dt / this.correctionMs);
      let offX = tr.offX * k;
      let offY = tr.offY * k;
      if (m > 1e-6) {
        const along = ((x + offX - tr.x) * mx + (y + offY - tr.y) * my) / m;
        if (along < 0) { offX -= (along * mx) / m; offY -= (along * my) / m; }
      }
      tr.offX = offX;
      tr.offY = offY;
      tr.offA *= k;
      if (Math.abs(tr.offX) < 1e-4 && Math.abs(tr.offY) < 1e-4) { tr.offX = 0; tr.offY = 0; }
      if (Math.abs(tr.offA) < 1e-5) tr.offA = 0;
    }
    tr.rawX = x;
    tr.rawY = y;
    tr.x = x + tr.offX;
    tr.y = y + tr.offY;
    tr.angle = wrap(angle + tr.offA);       // the samples keep it unwrapped
    tr.speed = speed;
  }

  /** Starts carrying `tr` on from its newest sample (its steering read off the last two). */
  private startReckoning(tr: Track): void {
    const ring = tr.ring;
    const s = this.at;   // holds the newest sample: the render instant is past it
    const angle = wrap(ring.newestAngle);
    // The ring's headings are unwrapped: their difference is the turn, whatever the wrap.
    tr.reckon.start(ring.newestT, s.x, s.y, angle, ring.newestSpeed,
      ring.prevT, angle - (ring.newestAngle - ring.prevAngle), ring.prevSpeed, this.patchMs());
  }

  /**
   * The trajectory changed under us: what we were drawing (the old reckoning) is off from what
   * the data now says by (`dx`, `dy`, `da`) at the same instant. Keep showing the old pose and
   * let the offset fade; a jump over `snap` is a teleport, shown at once.
   */
  private absorb(tr: Track, dx: number, dy: number, da: number): void {
    dx += tr.offX;
    dy += tr.offY;
    if (dx * dx + dy * dy > this.snap * this.snap) { tr.offX = 0; tr.offY = 0; tr.offA = 0; return; }
    tr.offX = dx;
    tr.offY = dy;
    tr.offA = Math.atan2(Math.sin(da + tr.offA), Math.cos(da + tr.offA));
  }
}
