import { angleDelta } from "../../shared/angle.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { copyPose, type Pose } from "../../shared/pose.ts";
import { OWN_SMOOTH_MS, SNAP_UNITS } from "./tuning.ts";

const TWO_PI = Math.PI * 2;

export interface OwnViewOptions {
  /** Time constant of a reconcile correction fading out, ms (default 100). */
  smoothMs?: number;
  /** A correction larger than this (units) is a teleport: shown at once (default 200). */
  snap?: number;
}

/**
 * How our own tadpole is drawn, on top of the SDK's Reconciler (which owns the prediction:
 * stepping each sent input with the shared movement step, rewinding to the server's state and
 * replaying unacknowledged inputs).
 *
 * The SDK's render read (`reconciler.value()`) interpolates between the previous and the current
 * predicted step, so it draws one fixed step (50 ms at 20 Hz) in the past, and a new input shows
 * only once a step has been sent *and* a frame has passed. It also interpolates and smooths the
 * heading as a plain number, so a turn across 0/2π (or a correction there) spins the long way
 * round. Neither is acceptable for "feels local", so we draw:
 *
 *   pose = lerp(S, step(S, steer), α) + correction
 *
 * where S is the latest predicted step (`reconciler.state`), step(S, steer) is the next step with
 * the steering the player holds *right now* (the shared step, on a scratch body; never sent), and
 * α the fraction of a fixed step elapsed since S. The pose therefore reacts in the very frame
 * the input changes, and it is continuous: when the next input is sent with the same steering,
 * the new S equals the preview we were approaching. Headings interpolate and correct the short
 * way round. A reconcile that moves the prediction becomes a correction offset that fades with
 * `smoothMs`; one larger than `snap` units pops.
 */
export class OwnView {
  readonly pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private readonly smoothMs: number;
  private readonly snap: number;
  private readonly before: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private readonly preview: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private beforeSeq = -1;
  private offX = 0;
  private offY = 0;
  private offA = 0;
  private offS = 0;
  /** Time since the latest predicted step, ms (the render accumulator). */
  private acc = 0;
  private lastNow = NaN;

  constructor(options: OwnViewOptions = {}) {
    this.smoothMs = options.smoothMs ?? OWN_SMOOTH_MS;
    this.snap = options.snap ?? SNAP_UNITS;
  }

  /** Before `predict.tick()`: remember the prediction a reconcile may replace. */
  capture(state: Pose, reconcileSeq: number): void {
    copyPose(state, this.before);
    this.beforeSeq = reconcileSeq;
  }

  /**
   * After `predict.tick()` (which reconciles but never steps new inputs): fold any change of the
   * predicted state into the correction offset. Returns the correction's magnitude (0 if none).
   */
  reconciled(state: Pose, reconcileSeq: number): number {
    if (this.beforeSeq < 0) return 0;
    const b = this.before;
    const dx = b.x - state.x;
    const dy = b.y - state.y;
    const ds = b.speed - state.speed;
    const da = angleDelta(state.angle, b.angle);
    if (dx === 0 && dy === 0 && ds === 0 && da === 0) return 0;
    const mag = Math.max(Math.abs(dx), Math.abs(dy), Math.abs(ds), Math.abs(da));
    if (reconcileSeq === this.beforeSeq || Math.hypot(dx, dy) > this.snap) {
      // A reset (reconnect, respawn) or a teleport: show the new state at once.
      this.offX = this.offY = this.offA = this.offS = 0;
    } else {
      this.offX += dx;
      this.offY += dy;
      this.offA += da;
      this.offS += ds;
    }
    return mag;
  }

  /**
   * After this frame's inputs were sent (`stepsSent` of them, each `stepMs` long): advance the
   * render accumulator, fade the correction and compose the pose from `state` and `steer`.
   */
  present(now: number, state: Pose, steer: Steer, stepsSent: number, stepMs: number): Pose {
    const dt = Number.isNaN(this.lastNow) ? 0 : Math.max(0, now - this.lastNow);
    this.lastNow = now;
    // Same bookkeeping as the SDK's render clock: grows with frame time, one step consumed
    // per step applied, resynced into [0, stepMs) when it drifts.
    this.acc += dt;
    for (let i = 0; i < stepsSent; i++) {
      this.acc -= stepMs;
      if (this.acc < 0) this.acc = 0;
      else if (this.acc >= stepMs) this.acc %= stepMs;
    }
    if (dt > 0 && (this.offX !== 0 || this.offY !== 0 || this.offA !== 0 || this.offS !== 0)) {
      const k = this.smoothMs > 0 ? Math.exp(-dt / this.smoothMs) : 0;
      this.offX *= k; this.offY *= k; this.offA *= k; this.offS *= k;
      if (Math.abs(this.offX) + Math.abs(this.offY) + Math.abs(this.offS) < 1e-4 && Math.abs(this.offA) < 1e-6) {
        this.offX = this.offY = this.offA = this.offS = 0;
      }
    }
    const alpha = stepMs > 0 ? Math.min(1, this.acc / stepMs) : 1;
    const p = this.preview;
    copyPose(state, p);
    stepTadpole(p, steer, stepMs / 1000);
    const out = this.pose;
    out.x = state.x + (p.x - state.x) * alpha + this.offX;
    out.y = state.y + (p.y - state.y) * alpha + this.offY;
    out.speed = state.speed + (p.speed - state.speed) * alpha + this.offS;
    let a = state.angle + angleDelta(state.angle, p.angle) * alpha + this.offA;
    a %= TWO_PI;
    if (a < 0) a += TWO_PI;
    out.angle = a;
    return out;
  }

  /** The correction still being faded out (x, y), for tests and overlays. */
  get offset(): { x: number; y: number } {
    return { x: this.offX, y: this.offY };
  }
}
