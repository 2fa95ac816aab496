import { MAX_SPEED } from "../constants.ts";
import { POSITION_GRID } from "../grids.ts";
import { fromCode, maxCode, toCode } from "./codes.ts";

/**
 * Wire units of remote tadpoles. Positions are the codes of the schema's own position grid
 * (shared/grids.ts, 4096/65534 of a unit): the server moves every tadpole on that grid, so the
 * wire carries its positions exactly, and a tadpole gliding straight at a constant speed and
 * heading moves by the same whole number of codes every tick ("keep going" then lands exactly).
 * Heading and speed are coarser than their grids on purpose: the encoder is closed-loop (it
 * mirrors what clients hold), so rounding never accumulates, and a remote tadpole drawn 0.2°
 * off or 0.3 units/s slow is invisible.
 */

/** The largest position code (a position's code is 0..MAX_POSITION_CODE; 65535 is malformed). */
export const MAX_POSITION_CODE = maxCode(POSITION_GRID);
/** Heading: 10 bits per turn. */
export const HEADING_STEPS = 1024;
/** Speed: u8 over [0, MAX_SPEED]. */
export const SPEED_STEPS = 255;

const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
const TWO_PI = Math.PI * 2;

/** Clamps to int16 (NaN becomes 0): every velocity the wire carries is one. */
export function clampInt16(value: number): number {
  return value > INT16_MAX ? INT16_MAX : value < INT16_MIN ? INT16_MIN : value | 0;
}

/** Whether `value` fits int8 (an absolute position's velocity is narrow then). */
export function fitsInt8(value: number): boolean {
  return value >= -128 && value <= 127;
}

/** A position's code on the schema's grid (clamped to the pond's range; NaN becomes code 0). */
export function toWirePosition(value: number): number {
  return toCode(POSITION_GRID, value);
}

/** The position of a code: for a position on the grid, exactly the server's value. */
export function fromWirePosition(wire: number): number {
  return fromCode(POSITION_GRID, wire);
}

/** Any angle in radians, wrapped into 0..1023 (non-finite becomes 0). */
export function toWireHeading(angle: number): number {
  const steps = Math.round((angle / TWO_PI) * HEADING_STEPS) % HEADING_STEPS; // NaN if not finite
  return Number.isFinite(steps) ? ((steps + HEADING_STEPS) % HEADING_STEPS) | 0 : 0;
}

export function fromWireHeading(wire: number): number {
  return (wire * TWO_PI) / HEADING_STEPS;
}

/** Speed clamped to [0, MAX_SPEED] (NaN becomes 0). */
export function toWireSpeed(speed: number): number {
  const clamped = speed > 0 ? (speed < MAX_SPEED ? speed : MAX_SPEED) : 0;
  return Math.round((clamped / MAX_SPEED) * SPEED_STEPS);
}

export function fromWireSpeed(wire: number): number {
  return (wire * MAX_SPEED) / SPEED_STEPS;
}

/** The signed shortest step from heading `from` to `to`, in -512..511. */
export function headingStep(from: number, to: number): number {
  const d = (to - from) & (HEADING_STEPS - 1);
  return d >= HEADING_STEPS / 2 ? d - HEADING_STEPS : d;
}
