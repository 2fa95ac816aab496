import { schema, t } from "@colyseus/schema";

/**
 * What a client may send each tick: where it wants to head and how hard it swims. The wire
 * types sanitize by construction: the angle wraps into [0, 2π), thrust clamps to [0, 1], and a
 * NaN or infinite value decodes as 0. A client can only steer; the server moves the tadpole.
 */
export const TadpoleInput = schema({
  angle: t.angle({ bits: 16 }),
  thrust: t.quantized({ min: 0, max: 1, bits: 8 }),
}, "TadpoleInput");
export type TadpoleInput = InstanceType<typeof TadpoleInput>;

/** The plain shape the movement step consumes (the schema instance satisfies it). */
export interface Steer {
  angle: number;
  thrust: number;
}
