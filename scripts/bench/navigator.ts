import { WORLD_HALF } from "../../shared/constants.ts";
import type { Steer } from "../../shared/input.ts";
import type { Rng } from "../../shared/rng.ts";

/** Targets stay this far inside the walls (the pond clamps at ±WORLD_HALF). */
const TARGET_MARGIN = 100;
/** Within this distance of its target a bot picks the next one. */
const ARRIVE_DISTANCE = 60;

/**
 * Where a benchmark bot swims: in straight lines at full thrust to random targets spread over the
 * whole pond, so after the first leg the pond is evenly populated (unlike the spawn area).
 */
export class Navigator {
  readonly steer: Steer = { angle: 0, thrust: 1 };
  /** Set once the first target was reached (the spread-out phase is over for this bot). */
  arrived = false;
  private tx = 0;
  private ty = 0;

  constructor(private readonly rng: Rng) {
    this.pickTarget();
  }

  /** Steers from (x, y) toward the current target, picking the next one on arrival. */
  navigate(x: number, y: number): Steer {
    let dx = this.tx - x;
    let dy = this.ty - y;
    if (dx * dx + dy * dy < ARRIVE_DISTANCE * ARRIVE_DISTANCE) {
      this.arrived = true;
      this.pickTarget();
      dx = this.tx - x;
      dy = this.ty - y;
    }
    this.steer.angle = Math.atan2(dy, dx);
    this.steer.thrust = 1;
    return this.steer;
  }

  private pickTarget(): void {
    const span = 2 * (WORLD_HALF - TARGET_MARGIN);
    this.tx = -span / 2 + this.rng() * span;
    this.ty = -span / 2 + this.rng() * span;
  }
}
