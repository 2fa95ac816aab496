const TWO_PI = Math.PI * 2;

/** Wraps an angle into [-π, π). */
export function wrapAngle(a: number): number {
  a = (a + Math.PI) % TWO_PI;
  if (a < 0) a += TWO_PI;
  return a - Math.PI;
}

/** The signed shortest turn from `from` to `to`, in [-π, π). */
export function angleDelta(from: number, to: number): number {
  return wrapAngle(to - from);
}
