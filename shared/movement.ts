import { angleDelta } from "./angle.ts";
import { ACCELERATION, DRAG, MAX_SPEED, REST_SPEED, TURN_RATE, WORLD_HALF } from "./constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID, THRUST_GRID, } from "./grids.ts";
import { snap } from "./quantize.ts";
import type { Body } from "./state.ts";
import type { Steer } from "./input.ts";

/**
 * The one movement step, run by the server's fixed timestep, by the client's prediction
 * (and its replays) and by bots: turn the heading toward the wanted angle at a bounded rate,
 * accelerate along the heading by thrust, lose speed to drag, cap the speed, move, stay in the
 * pond. Mutates `body` in place and allocates nothing.
 *
 * Every result is snapped to its wire grid, so the server's state, what the client decodes and
 * what the client predicts are the same numbers (replay reproduces the server exactly).
 */
export function stepTadpole(body: Body, steer: Steer, dt: number): void {
  // Sanitize defensively: the wire already does, but bots and tests call this directly.
  const thrust = snap(THRUST_GRID, steer.thrust);
  const wanted = snap(ANGLE_GRID, steer.angle);

  let angle = body.angle;
  if (thrust > 0) {
    const turn = angleDelta(angle, wanted);
    const maxTurn = TURN_RATE * dt;
    angle += turn > maxTurn ? maxTurn : turn < -maxTurn ? -maxTurn : turn;
  }
  angle = snap(ANGLE_GRID, angle);

  let speed = body.speed + thrust * ACCELERATION * dt;
  speed -= speed * DRAG * dt;
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

/** Where a tadpole born with this random pair (each in [0, 1)) appears: near the centre. */
export function spawnPoint(u: number, v: number, radius: number, out: Body): Body {
  const r = radius * Math.sqrt(u);
  const a = v * Math.PI * 2;
  out.x = snap(POSITION_GRID, r * Math.cos(a));
  out.y = snap(POSITION_GRID, r * Math.sin(a));
  out.angle = snap(ANGLE_GRID, a + Math.PI);
  out.speed = 0;
  return out;
}
