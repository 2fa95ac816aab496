import { MAX_SPEED, POSITION_BITS, POSITION_RANGE } from "./constants.ts";
import { clampGrid, wrapGrid } from "./quantize.ts";

/** The wire grids of the tadpole's moving fields; state.ts declares the same ranges. */
export const POSITION_GRID = clampGrid(-POSITION_RANGE, POSITION_RANGE, POSITION_BITS);
export const ANGLE_GRID = wrapGrid(0, Math.PI * 2, 16);
export const SPEED_GRID = clampGrid(0, MAX_SPEED, 16);
export const THRUST_GRID = clampGrid(0, 1, 8);
