import type { Pose } from "../../client/net/PondConnection.ts";
import type { Steer } from "../../shared/input.ts";

/**
 * Scripted steering for the benchmark's swimmers: deterministic functions of time and of the
 * swimmer's own (predicted) pose, covering the cases netcode gets wrong: starts from rest, full
 * stops, sharp turns, continuous turning across the 0/2π seam, coasting.
 */
export interface Script {
  readonly kind: string;
  /** Updates `steer` for the frame at `t` seconds since the start. */
  update(t: number, pose: Pose, steer: Steer): void;
}

const TWO_PI = Math.PI * 2;

/** Swim to a corner of a square, stop dead (long enough to come to rest), next corner. */
export class Tour implements Script {
  readonly kind = "tour";
  private readonly half = 350;
  private readonly restSeconds = 4.2;
  private restUntil = -1;

  constructor(private corner: number) {}

  update(t: number, pose: Pose, steer: Steer): void {
    steer.thrust = 0;
    if (t < this.restUntil) return;
    const tx = this.corner === 0 ? this.half : this.corner === 2 ? -this.half : 0;
    const ty = this.corner === 1 ? this.half : this.corner === 3 ? -this.half : 0;
    const dx = tx - pose.x;
    const dy = ty - pose.y;
    if (dx * dx + dy * dy < 60 * 60) {
      this.corner = (this.corner + 1) % 4;
      this.restUntil = t + this.restSeconds;
      return;
    }
    steer.thrust = 1;
    steer.angle = wrap(Math.atan2(dy, dx));
  }
}

/** Full thrust, heading flipping ±1.1 rad around the way to a target every 0.9 s. */
export class Zigzag implements Script {
  readonly kind = "zigzag";
  private target = 1;

  update(t: number, pose: Pose, steer: Steer): void {
    const tx = this.target * 400;
    if (Math.abs(tx - pose.x) < 80) this.target = -this.target;
    const base = Math.atan2(-pose.y * 0.5, tx - pose.x);
    const flip = Math.floor(t / 0.9) % 2 === 0 ? 1.1 : -1.1;
    steer.thrust = 1;
    steer.angle = wrap(base + flip);
  }
}

/** Turning continuously (the heading crosses 0/2π every few seconds); coasts 2 s out of 7. */
export class Circler implements Script {
  readonly kind = "circle";
  constructor(private readonly phase = 0) {}

  update(t: number, _pose: Pose, steer: Steer): void {
    steer.thrust = (t + this.phase) % 7 < 5 ? 1 : 0;
    steer.angle = wrap(this.phase + t * 1.6);
  }
}

function wrap(a: number): number {
  a %= TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}

export function scripts(): Script[] {
  return [new Tour(0), new Tour(2), new Zigzag(), new Circler(1.3)];
}
