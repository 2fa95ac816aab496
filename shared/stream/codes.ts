import type { Grid } from "../quantize.ts";

/**
 * The integer codes of the schema's quantized grids (shared/grids.ts), which carry the client's
 * own tadpole exactly: its prediction replays from these numbers, so they must be bit-identical
 * to what `snap()` produced on the server.
 */

/** The code `snap(grid, value)` lands on: same clamping, wrapping and floor(x + 0.5) rounding. */
export function toCode(grid: Grid, value: number): number {
  if (grid.wrap) {
    if (!Number.isFinite(value)) return 0;
    let a = (value - grid.min) % grid.range;
    if (a < 0) a += grid.range;
    return Math.floor((a / grid.range) * grid.span + 0.5) % grid.span;
  }
  if (value !== value) return 0;
  const v = value < grid.min ? grid.min : value > grid.min + grid.range ? grid.min + grid.range : value;
  return Math.floor(((v - grid.min) / grid.range) * grid.span + 0.5);
}

/** The value of a code: exactly the expression `snap()` ends with, so snapped values round-trip. */
export function fromCode(grid: Grid, code: number): number {
  return grid.min + (code / grid.span) * grid.range;
}

/** The largest valid code: a clamp grid includes both ends, a wrap grid's top end is its 0. */
export function maxCode(grid: Grid): number {
  return grid.wrap ? grid.span - 1 : grid.span;
}
