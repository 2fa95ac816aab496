import { MAX_SPEED } from "../constants.ts";

/**
 * Wire units of remote tadpoles. They are coarser than the schema grids on purpose: the encoder
 * is closed-loop (it mirrors what clients hold), so rounding never accumulates, and a remote
 * tadpole drawn 1/16 unit or 0.2° off is invisible.
 */

/** Position: 1/8 unit, so [-2048, 2048] fits int16. */
export const POSITION_SCALE = 8;
/** Heading: 10 bits per turn. */
export const HEADING_STEPS = 1024;
/** Speed: u8 over [0, MAX_SPEED]. */
export const SPEED_STEPS = 255;

const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
const TWO_PI = Math.PI * 2;

/** Clamps to int16 (NaN becomes 0): every position and velocity the wire carries is one. */
export function clampInt16(value: number): number {
  return value > INT16_MAX ? INT16_MAX : value < INT16_MIN ? INT16_MIN : value | 0;
}

export function toWirePosition(value: number): number {
  return clampInt16(Math.round(value * POSITION_SCALE));
}

export function fromWirePosition(wire: number): number {
  return wire / POSITION_SCALE;
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
