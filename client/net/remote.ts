import type { Predict } from "@colyseus/sdk/predict";
import type { RoomClockLike } from "@colyseus/sdk";
import { Playout, type PlayoutOptions } from "./playout.ts";

/** What the view needs from the room's clock (room.clock satisfies it; tests pass a fake). */
export interface LinkClock {
  /** Server-encode time (server clock, ms) of the newest patch received; 0 before the first. */
  lastServerTime(): number;
  /** The server's patch cadence, ms (0 until advertised). */
  patchInterval?(): number;
  /** Interarrival jitter of patches, ms. */
  jitter(): number;
  rtt(): number;
}

/** A remote tadpole's moving fields, as decoded (the latest authoritative values). */
export interface RemoteBody {
  x: number;
  y: number;
  angle: number;
  speed: number;
}

export interface RemotePose {
  x: number;
  y: number;
  angle: number;
  speed: number;
}

export interface RemoteViewOptions extends PlayoutOptions {
  /** Time constant of the correction when fresh data disagrees with the extrapolation, ms (default 120). */
  correctionMs?: number;
  /** A jump larger than this (units) is a teleport: shown at once, never glided (default 200). */
  snap?: number;
  /** Patch interval to assume until the server advertises one, ms (default 50). */
  fallbackPatchMs?: number;
}

const TWO_PI = Math.PI * 2;

/** Per remote tadpole: the extrapolation it last used and the correction still fading out. */
interface Track {
  frame: number;
  now: number;
  extrapolating: boolean;
  baseT: number;
  baseX: number;
  baseY: number;
  vx: number;
  vy: number;
  offX: number;
  offY: number;
  /** Last frame's position before the correction offset. */
  rawX: number;
  rawY: number;
  x: number;
  y: number;
  angle: number;
  speed: number;
}

/**
 * Renders other tadpoles: the SDK's `Predict` lerp does the interpolation between buffered
 * patches (per field, server-stamped, the heading the short way round, teleports snapped); this
 * class adds what that lerp lacks for real links:
 *
 * 1. the render instant: a monotonic, jitter-adaptive timeline ({@link Playout}), fed to the
 *    lerp through a clock wrapper. The lerp renders at `clock.serverNow() − delay −
 *    clock.smoothedRtt()/2` with a fixed `delay`, and the room clock's serverNow() and smoothed
 *    RTT both step on every patch; our clock's serverNow() IS the render instant, its
 *    smoothedRtt() is 0 and the Predict's delay is 0, so the lerp renders exactly there;
 * 2. capped extrapolation: when the render instant passes the newest patch (a late or
 *    retransmitted frame) the lerp holds still; we continue along the tadpole's last heading
 *    and speed. The timeline itself stops `maxExtrapolateMs` past the newest patch and catches
 *    up once data flows again (see Playout), so every remote waits together and resumes on its
 *    true path;
 * 3. correction smoothing: when the late data disagrees with the extrapolation (the tadpole
 *    turned), the difference (measured at the same instant, so it is pure error) fades out over
 *    `correctionMs` instead of jumping, without ever dragging the tadpole backward.
 *
 * Nothing here allocates per frame; one Track per remote tadpole is made when it appears.
 */
export class RemoteView {
  readonly playout: Playout;
  /** Hand this to `Predict.get(room, { clock })`. */
  readonly clock: RoomClockLike;
  private predict: Predict<any> | undefined;
  private readonly tracks = new Map<object, Track>();
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
    this.maxExtrapolateMs = options.maxExtrapolateMs ?? 100;
    this.correctionMs = options.correctionMs ?? 120;
    this.snap = options.snap ?? 200;
    this.fallbackPatchMs = options.fallbackPatchMs ?? 50;
    const view = this;
    this.clock = {
      now: () => performance.now(),
      serverNow() {
        const t = view.playout.renderTime;
        // Before the first frame: the newest patch (the lerp then shows the latest state).
        return Number.isNaN(t) ? link.lastServerTime() : t;
      },
      renderNow() { return this.serverNow(); },
      rtt: () => link.rtt(),
      smoothedRtt: () => 0,
      jitter: () => link.jitter(),
      lastServerTime: () => link.lastServerTime(),
      patchInterval: () => link.patchInterval?.() ?? 0,
      setPatchInterval: () => { /* the room's own clock keeps it */ },
      sample: () => { /* the room's own clock is fed by the room */ },
    };
  }

  /** Binds the Predict built with {@link clock}; sets its teleport threshold. */
  bind(predict: Predict<any>): void {
    this.predict = predict;
    predict.setDefaults({ mode: "lerp", delay: 0, snap: this.snap });
  }

  /** Starts interpolating `body` (a decoded Tadpole). Call from onAdd. */
  add(body: RemoteBody): void {
    const predict = this.predict;
    if (!predict) throw new Error("RemoteView.bind() first");
    // Two attaches: the heading is stored unwrapped and interpolated the short way round, which
    // the SDK applies per attach call. Both inherit the defaults set in bind(): delay 0 (the
    // instant comes from our clock) and the teleport threshold.
    predict.attach(body as any, { x: "lerp", y: "lerp", speed: "lerp" });
    predict.attach(body as any, { angle: { mode: "lerp", angle: true } });
    this.tracks.set(body, {
      frame: -1, now: 0, extrapolating: false, baseT: 0, baseX: 0, baseY: 0, vx: 0, vy: 0,
      offX: 0, offY: 0, rawX: body.x, rawY: body.y, x: body.x, y: body.y, angle: body.angle, speed: body.speed,
    });
  }

  remove(body: RemoteBody): void {
    this.predict?.detach(body);
    this.tracks.delete(body);
  }

  has(body: RemoteBody): boolean {
    return this.tracks.has(body);
  }

  /** A patch arrived (call from room.onStateChange with performance.now()). */
  onPatch(arrivedAt: number): void {
    this.playout.onPatch(arrivedAt, this.link.lastServerTime());
  }

  /** Once per frame, before reading poses. */
  frame(frameNow: number, localNow: number): void {
    this.frameNo++;
    this.frameNow = frameNow;
    if (this.starvedThisFrame) this.starvedFrames++;
    this.starvedThisFrame = false;
    const patchMs = this.link.patchInterval?.() || this.fallbackPatchMs;
    this.playout.update(frameNow, localNow, patchMs, this.link.jitter());
  }

  /** The server instant remote tadpoles are drawn at (NaN before the first patch). */
  get renderTime(): number {
    return this.playout.renderTime;
  }

  /** Where to draw remote `body` this frame. Writes into `out`. */
  pose(body: RemoteBody, out: RemotePose): RemotePose {
    const tr = this.tracks.get(body);
    const predict = this.predict;
    if (tr === undefined || predict === undefined) {
      out.x = body.x; out.y = body.y; out.angle = body.angle; out.speed = body.speed;
      return out;
    }
    if (tr.frame !== this.frameNo) this.evaluate(tr, body, predict);
    out.x = tr.x; out.y = tr.y; out.angle = tr.angle; out.speed = tr.speed;
    return out;
  }

  private evaluate(tr: Track, body: RemoteBody, predict: Predict<any>): void {
    const now = this.frameNow;
    const dt = tr.frame < 0 ? 0 : now - tr.now;
    tr.frame = this.frameNo;
    tr.now = now;

    // 1. The SDK lerp at our render instant (holds the newest value when it runs dry).
    let x = predict.value(body as any, "x" as never) as number;
    let y = predict.value(body as any, "y" as never) as number;
    let angle = predict.value(body as any, "angle" as never) as number;
    const speed = predict.value(body as any, "speed" as never) as number;

    // 2. Past the newest patch: continue along the latest heading at the latest speed, capped.
    const render = this.playout.renderTime;
    const newest = this.link.lastServerTime();
    const dry = newest > 0 && render > newest;
    const cap = this.maxExtrapolateMs;
    let absorbed = false;
    if (dry) {
      const ahead = render - newest;
      const vx = Math.cos(body.angle) * body.speed;
      const vy = Math.sin(body.angle) * body.speed;
      if (tr.extrapolating && tr.baseT !== newest) {
        this.absorb(tr, x + vx * Math.min(ahead, cap) / 1000, y + vy * Math.min(ahead, cap) / 1000, render);
        absorbed = true;
      }
      tr.extrapolating = true;
      tr.baseT = newest;
      tr.baseX = x;
      tr.baseY = y;
      tr.vx = vx;
      tr.vy = vy;
      x += vx * Math.min(ahead, cap) / 1000;
      y += vy * Math.min(ahead, cap) / 1000;
      if (body.speed > 0 && ahead > 0) this.starvedThisFrame = true;
    } else if (tr.extrapolating) {
      // 3. Fresh data again: what we showed vs what the lerp now says, at the same instant.
      this.absorb(tr, x, y, render);
      absorbed = true;
      tr.extrapolating = false;
    }

    // Fade the correction, but never let the fade drag the drawn tadpole backward along the way
    // it is moving (interpolated: the true path's motion; extrapolated: its latest heading): the
    // backward part of this frame's step is kept for later frames. When the raw position stands
    // still although the tadpole is swimming (held past the extrapolation cap, or the lerp
    // holding over a gap) nothing new is known and the direction is unclear, so the correction
    // waits; likewise in the frame a correction was taken, whose raw step is the very jump it
    // hides. A tadpole at rest fades freely: there is no motion to go against.
    const mx = x - tr.rawX;
    const my = y - tr.rawY;
    const m = Math.hypot(mx, my);
    const waiting = absorbed || (m <= 1e-6 && body.speed > 0);
    if (dt > 0 && !waiting && (tr.offX !== 0 || tr.offY !== 0)) {
      const k = Math.exp(-dt / this.correctionMs);
      let offX = tr.offX * k;
      let offY = tr.offY * k;
      if (m > 1e-6) {
        const along = ((x + offX - tr.x) * mx + (y + offY - tr.y) * my) / m;
        if (along < 0) { offX -= (along * mx) / m; offY -= (along * my) / m; }
      }
      tr.offX = offX;
      tr.offY = offY;
      if (Math.abs(tr.offX) < 1e-4 && Math.abs(tr.offY) < 1e-4) { tr.offX = 0; tr.offY = 0; }
    }
    tr.rawX = x;
    tr.rawY = y;
    angle %= TWO_PI;
    if (angle < 0) angle += TWO_PI;
    tr.x = x + tr.offX;
    tr.y = y + tr.offY;
    tr.angle = angle;
    tr.speed = speed;
  }

  /**
   * The trajectory changed under us at instant `render`: the old extrapolation (from the track's
   * stored base) said one thing, the new data (`x`, `y`) another. Keep showing the old position
   * and let the offset fade.
   */
  private absorb(tr: Track, x: number, y: number, render: number): void {
    // Capped, as it was drawn: in the frame the data resumes after a hold, the tadpole waits one
    // frame more rather than continue along a heading the new data may contradict.
    const ahead = Math.min(Math.max(render - tr.baseT, 0), this.maxExtrapolateMs) / 1000;
    const dx = tr.baseX + tr.vx * ahead - x + tr.offX;
    const dy = tr.baseY + tr.vy * ahead - y + tr.offY;
    if (dx * dx + dy * dy > this.snap * this.snap) { tr.offX = 0; tr.offY = 0; return; }
    tr.offX = dx;
    tr.offY = dy;
  }

  /** Forget the timeline (reconnect). */
  reset(): void {
    this.playout.reset();
    for (const tr of this.tracks.values()) { tr.frame = -1; tr.extrapolating = false; tr.offX = 0; tr.offY = 0; }
  }
}
