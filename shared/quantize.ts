/**
 * Grid snapping that matches `@colyseus/schema`'s `t.quantized()` rule bit for bit
 * (clamp mode: span = 2^bits - 1, or 2^bits - 2 when the range is symmetric about zero;
 * wrap mode: span = 2^bits; rounding is floor(x + 0.5)). The movement step snaps its results
 * with these, so a value written into a quantized schema field is already on the wire grid and
 * the client's prediction never drifts from the server by a rounding step.
 */

export interface Grid {
  readonly min: number;
  readonly range: number;
  readonly span: number;
  readonly wrap: boolean;
}

export function clampGrid(min: number, max: number, bits: 8 | 16 | 32): Grid {
  const steps = 2 ** bits;
  return { min, range: max - min, span: min === -max ? steps - 2 : steps - 1, wrap: false };
}

export function wrapGrid(min: number, max: number, bits: 8 | 16 | 32): Grid {
  return { min, range: max - min, span: 2 ** bits, wrap: true };
}

/** The value the schema field would yield after writing `value` (NaN pins to `min`). */
export function snap(grid: Grid, value: number): number {
  let q: number;
  if (grid.wrap) {
    if (!Number.isFinite(value)) return grid.min;
    let a = (value - grid.min) % grid.range;
    if (a < 0) a += grid.range;
    q = Math.floor((a / grid.range) * grid.span + 0.5) % grid.span;
  } else {
    if (value !== value) return grid.min;
    const v = value < grid.min ? grid.min : value > grid.min + grid.range ? grid.min + grid.range : value;
    q = Math.floor(((v - grid.min) / grid.range) * grid.span + 0.5);
  }
  return grid.min + (q / grid.span) * grid.range;
}

/** The size of one grid step. */
export function quantum(grid: Grid): number {
  return grid.range / grid.span;
}
