import { angleDelta } from "./angle.ts";
import { GLIDE_TIME, MAX_SPEED, REST_SPEED, START_TIME, TURN_TIME, WORLD_HALF } from "./constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID, THRUST_GRID, } from "./grids.ts";
import { snap } from "./quantize.ts";
import type { Pose } from "./pose.ts";
import type { Steer } from "./input.ts";

/**
 * The one movement step, run by the server's fixed timestep, by the client's prediction
 * (and its replays) and by bots: ease the heading toward the wanted angle (at rest too, so a
 * tadpole faces the pointer), ease the speed toward the thrust's share of MAX_SPEED (quickly up,
 * gliding down), move, stay in the pond. Mutates `body` in place and allocates nothing.
 *
 * Every result is snapped to its wire grid, so the server's state, what the client decodes and
 * what the client predicts are the same numbers (replay reproduces the server exactly).
 */
export function stepTadpole(body: Pose, steer: Steer, dt: number): void {
  // Sanitize defensively: the wire already does, but bots and tests call this directly.
  const thrust = snap(THRUST_GRID, steer.thrust);
  const wanted = snap(ANGLE_GRID, steer.angle);

  const turn = angleDelta(body.angle, wanted);
  // The last sliver is taken at once (here and for speed): an ease alone would stall a grid step
  // short of the target, its steps rounding away to nothing.
  const angle = snap(ANGLE_GRID, turn < TURN_SNAP && turn > -TURN_SNAP ? wanted : body.angle + turn * approach(dt, TURN_TIME));

  const target = thrust * MAX_SPEED;
  let speed = body.speed;
  const gap = target - speed;
  speed = gap < SPEED_SNAP && gap > -SPEED_SNAP ? target : speed + gap * approach(dt, gap > 0 ? START_TIME : GLIDE_TIME);
  if (speed > MAX_SPEED) speed = MAX_SPEED;
  if (thrust === 0 && speed < REST_SPEED) speed = 0;
  speed = snap(SPEED_GRID, speed);

  let x = body.x + Math.cos(angle) * speed * dt;
  let y = body.y + Math.sin(angle) * speed * dt;
  x = x < -WORLD_HALF ? -WORLD_HALF : x > WORLD_HALF ? WORLD_HALF : x;
  y = y < -WORLD_HALF ? -WORLD_HALF : y > WORLD_HALF ? WORLD_HALF : y;

  body.angle = angle;
  body.speed = speed;
  body.x = snap(POSITION_GRID, x);
  body.y = snap(POSITION_GRID, y);
}

/** Turns smaller than this (rad, ~0.1°) finish in one step. */
const TURN_SNAP = 0.002;
/** Speed changes smaller than this (units/s) finish in one step. */
const SPEED_SNAP = 0.05;

/**
 * The share of the remaining gap an exponential approach with time constant `tau` closes in one
 * step of `dt`: the implicit (backward) Euler form r / (1 + r), stable for any step and made of
 * IEEE-exact arithmetic only, so server, browsers and bots compute the same bits.
 */
function approach(dt: number, tau: number): number {
  const r = dt / tau;
  return r / (1 + r);
}

/** Where a tadpole born with this random pair (each in [0, 1)) appears: near the centre. */
export function spawnPoint(u: number, v: number, radius: number, out: Pose): Pose {
  const r = radius * Math.sqrt(u);
  const a = v * Math.PI * 2;
  out.x = snap(POSITION_GRID, r * Math.cos(a));
  out.y = snap(POSITION_GRID, r * Math.sin(a));
  out.angle = snap(ANGLE_GRID, a + Math.PI);
  out.speed = 0;
  return out;
}
