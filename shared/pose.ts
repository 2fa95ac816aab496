/**
 * A tadpole's pose: where it is (world units), which way it heads (radians) and how fast it
 * swims (units/s). The one shape the movement step reads and writes (shared/movement.ts), the
 * stream carries, the server simulates and the client predicts, interpolates and draws.
 */
export interface Pose {
  x: number;
  y: number;
  angle: number;
  speed: number;
}

/** Copies `from` into `to` (no allocation) and returns `to`. */
export function copyPose(from: Readonly<Pose>, to: Pose): Pose {
  to.x = from.x;
  to.y = from.y;
  to.angle = from.angle;
  to.speed = from.speed;
  return to;
}
