import type { Steer } from "../../shared/input.ts";

const TWO_PI = Math.PI * 2;

/**
 * Steering that keeps a tadpole circling a point at a given radius: head along the circle's
 * tangent, bent inward when outside the ring and outward when inside. Stateless (a pure
 * function of where the tadpole is), so any number of swimmers stay in view of one player
 * forever, always moving (tails wiggle, names move, the renderer has real work).
 */
export function orbitSteer(
  x: number,
  y: number,
  centreX: number,
  centreY: number,
  radius: number,
  thrust: number,
  clockwise: boolean,
  out: Steer,
): Steer {
  const dx = x - centreX;
  const dy = y - centreY;
  const dist = Math.hypot(dx, dy);
  if (dist < 1) {
    out.angle = 0;
    out.thrust = thrust;
    return out;
  }
  const outward = Math.atan2(dy, dx);
  const tangent = outward + (clockwise ? -Math.PI / 2 : Math.PI / 2);
  // Positive error: outside the ring, so turn toward the centre (up to a quarter turn).
  const error = Math.max(-1, Math.min(1, (dist - radius) / Math.max(40, radius * 0.5)));
  const inward = clockwise ? -1 : 1;
  let angle = tangent + inward * error * (Math.PI / 2);
  angle %= TWO_PI;
  if (angle < 0) angle += TWO_PI;
  out.angle = angle;
  out.thrust = thrust;
  return out;
}

/** A spread of ring radii in [minRadius, maxRadius] for `count` swimmers (deterministic). */
export function ringRadius(index: number, count: number, minRadius: number, maxRadius: number): number {
  if (count <= 1) return (minRadius + maxRadius) / 2;
  // Golden-ratio spacing so neighbours in join order do not share a ring.
  const f = (index * 0.6180339887) % 1;
  return minRadius + f * (maxRadius - minRadius);
}
