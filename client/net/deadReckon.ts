import { MAX_SPEED, START_TIME, GLIDE_TIME, TURN_TIME } from "../../shared/constants.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { copyPose, type Pose } from "../../shared/pose.ts";

/**
 * A remote tadpole carried on past its newest sample with the one movement step
 * (shared/movement.ts), when the stream stalls: it keeps swimming the way it was, turning if it
 * was turning, gliding to a stop if it was gliding, instead of stopping dead or flying straight.
 *
 * The steering is not on the wire, but the step gives it away: each step closes a known share of
 * the gap between heading and wanted heading (and speed and wanted speed), so the last two
 * samples, one step apart, say what the player was steering toward. From the newest sample the
 * step is then run with that steering, one fixed step at a time, as far as the render instant
 * has gone past it (lerped within a step). Nothing allocates after construction.
 */
export class DeadReckoning {
  /** The instant (server clock) the reckoning starts from: the newest sample's. */
  baseT = NaN;
  private readonly steer: Steer = { angle: 0, thrust: 0 };
  private readonly body: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private readonly before: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private steps = 0;
  private stepMs = 50;

  /**
   * Starts from the newest sample (`t`, body fields) and infers the steering from the one before
   * it (`prevT`, `prevAngle` unwrapped onto `angle`'s turn, `prevSpeed`).
   */
  start(t: number, x: number, y: number, angle: number, speed: number, prevT: number, prevAngle: number, prevSpeed: number, stepMs: number): void {
    this.baseT = t;
    this.stepMs = stepMs > 0 ? stepMs : 50;
    const b = this.body;
    b.x = x; b.y = y; b.angle = angle; b.speed = speed;
    copyPose(b, this.before);
    this.steps = 0;
    const steer = this.steer;
    steer.angle = angle;
    steer.thrust = speed / MAX_SPEED;
    // Only two samples exactly one step apart show what one step did.
    if (!(Math.abs(t - prevT - this.stepMs) < this.stepMs * 0.25)) return;
    const dt = this.stepMs / 1000;
    // heading' = heading + (wanted − heading) · r / (1 + r), r = dt / TURN_TIME: solve for wanted.
    const turned = angle - prevAngle;
    if (Math.abs(turned) > 1e-9) steer.angle = prevAngle + turned / share(dt, TURN_TIME);
    const sped = speed - prevSpeed;
    if (Math.abs(sped) > 1e-9) {
      const target = prevSpeed + sped / share(dt, sped > 0 ? START_TIME : GLIDE_TIME);
      steer.thrust = target <= 0 ? 0 : target >= MAX_SPEED ? 1 : target / MAX_SPEED;
    }
  }

  /** Where the tadpole is `aheadMs` past the start (never less than the last call's), into `out`. */
  at(aheadMs: number, out: Pose): Pose {
    const dt = this.stepMs / 1000;
    while (this.steps * this.stepMs < aheadMs) {
      copyPose(this.body, this.before);
      stepTadpole(this.body, this.steer, dt);
      this.steps++;
    }
    const b = this.body;
    const p = this.before;
    const u = this.steps === 0 ? 0 : 1 - (this.steps * this.stepMs - aheadMs) / this.stepMs;
    out.x = p.x + (b.x - p.x) * u;
    out.y = p.y + (b.y - p.y) * u;
    let turn = b.angle - p.angle;
    if (turn > Math.PI) turn -= 2 * Math.PI;
    else if (turn < -Math.PI) turn += 2 * Math.PI;
    out.angle = p.angle + turn * u;
    out.speed = p.speed + (b.speed - p.speed) * u;
    return out;
  }
}

/** The share of the gap one step of `dt` closes with time constant `tau` (movement.ts's approach). */
function share(dt: number, tau: number): number {
  const r = dt / tau;
  return r / (1 + r);
}
