import { schema, t } from "@colyseus/schema";
import { MAX_SPEED, POSITION_BITS, POSITION_RANGE } from "./constants.ts";

/**
 * One tadpole. Moving fields are fixed point (see grids.ts): a position update costs two
 * bytes per axis, and the movement step snaps to the same grid so prediction stays exact.
 */
export const Tadpole = schema({
  x: t.quantized({ min: -POSITION_RANGE, max: POSITION_RANGE, bits: POSITION_BITS }),
  y: t.quantized({ min: -POSITION_RANGE, max: POSITION_RANGE, bits: POSITION_BITS }),
  /** Heading in radians, [0, 2π). */
  angle: t.angle({ bits: 16 }),
  /** Current speed in units/s, [0, MAX_SPEED]: the client derives the tail's wiggle from it. */
  speed: t.quantized({ min: 0, max: MAX_SPEED, bits: 16 }),
  name: t.string(),
  /** Index into the client's colour palette. */
  hue: t.uint8(),
  /** True while its player's connection is lost and the pond holds its place for a reconnect. */
  away: t.boolean(),
}, "Tadpole");
export type Tadpole = InstanceType<typeof Tadpole>;

/** Tadpoles are per-client filtered (`.view()`): each client receives only those near its own. */
export const PondState = schema({
  tadpoles: t.map(Tadpole).view(),
}, "PondState");
export type PondState = InstanceType<typeof PondState>;

/** The part of a tadpole the movement step reads and writes. */
export interface Body {
  x: number;
  y: number;
  angle: number;
  speed: number;
}
