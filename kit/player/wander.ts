import { angleDelta } from "../../shared/angle.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import type { Steer } from "../../shared/input.ts";
import { between, type Rng } from "../../shared/rng.ts";

const TWO_PI = Math.PI * 2;

/** Tunables of the wander behaviour (defaults suit the pond's movement rules). */
export interface WanderTuning {
  /** Random angular acceleration, rad/s² (the heading's "jitter"). */
  turnJitter: number;
  /** Largest wandering turn rate, rad/s: headings bend, they never snap. */
  maxTurnRate: number;
  /** Within this distance of a wall, the heading bends back toward the centre. */
  wallMargin: number;
  /** Bursts (full thrust) start at this average rate, per second. */
  burstsPerSecond: number;
  /** Short rests (no thrust) start at this average rate, per second. */
  restsPerSecond: number;
}

export const DEFAULT_WANDER: WanderTuning = {
  turnJitter: 3,
  maxTurnRate: 1.5,
  wallMargin: 350,
  burstsPerSecond: 0.12,
  restsPerSecond: 0.04,
};

type Mode = "cruise" | "burst" | "rest";

/**
 * A bot's steering: a heading that drifts smoothly (a random walk on the turn rate, not on the
 * heading itself), a cruising thrust that changes every few seconds, occasional full-thrust
 * bursts and short rests, and near the pond's walls a pull back toward the centre that grows
 * as the wall gets closer. Pure and seeded: the same rng and positions give the same steering.
 */
export class Wander {
  /** The wanted heading, radians in [0, 2π). */
  heading: number;
  /** How fast the wanted heading is turning, rad/s. */
  turnRate = 0;
  mode: Mode = "cruise";
  private cruiseThrust: number;
  private modeLeft: number;
  private cruiseLeft: number;

  constructor(private readonly rng: Rng, private readonly tuning: WanderTuning = DEFAULT_WANDER, heading?: number) {
    this.heading = heading ?? rng() * TWO_PI;
    this.cruiseThrust = between(rng, 0.35, 0.8);
    this.cruiseLeft = between(rng, 2, 6);
    this.modeLeft = 0;
  }

  /** Advances by `dt` seconds given the tadpole's position; writes the steer into `out`. */
  update(dt: number, x: number, y: number, out: Steer): Steer {
    if (!(dt > 0)) dt = 0;
    if (dt > 0.25) dt = 0.25; // a stalled timer must not turn a smooth drift into a jump
    const rng = this.rng;
    const t = this.tuning;

    // Heading: random walk on the turn rate, gently damped, bounded.
    this.turnRate += (rng() * 2 - 1) * t.turnJitter * dt;
    this.turnRate -= this.turnRate * 0.5 * dt;
    if (this.turnRate > t.maxTurnRate) this.turnRate = t.maxTurnRate;
    if (this.turnRate < -t.maxTurnRate) this.turnRate = -t.maxTurnRate;
    let heading = this.heading + this.turnRate * dt;

    // Walls: within the margin, pull the heading toward the centre, harder as the wall nears.
    const gap = WORLD_HALF - Math.max(Math.abs(x), Math.abs(y));
    const nearWall = gap < t.wallMargin;
    if (nearWall) {
      const home = Math.atan2(-y, -x);
      const urgency = Math.min(1, Math.max(0, (t.wallMargin - gap) / t.wallMargin));
      const pull = Math.min(1, (0.5 + 4 * urgency) * dt);
      heading += angleDelta(heading, home) * pull;
      this.turnRate *= 1 - urgency; // stop wandering off while turning home
    }
    heading %= TWO_PI;
    if (heading < 0) heading += TWO_PI;
    this.heading = heading;

    // Thrust: cruise at a level that changes now and then, with bursts and rests.
    this.cruiseLeft -= dt;
    if (this.cruiseLeft <= 0) {
      this.cruiseThrust = between(rng, 0.35, 0.8);
      this.cruiseLeft = between(rng, 2, 6);
    }
    if (this.mode !== "cruise") {
      this.modeLeft -= dt;
      if (this.modeLeft <= 0 || (this.mode === "rest" && nearWall)) this.mode = "cruise";
    } else {
      const roll = rng();
      if (roll < t.burstsPerSecond * dt) {
        this.mode = "burst";
        this.modeLeft = between(rng, 0.4, 1.2);
      } else if (!nearWall && roll < (t.burstsPerSecond + t.restsPerSecond) * dt) {
        this.mode = "rest";
        this.modeLeft = between(rng, 0.5, 2);
      }
    }

    out.angle = heading;
    out.thrust = this.mode === "burst" ? 1 : this.mode === "rest" ? 0 : this.cruiseThrust;
    return out;
  }
}
