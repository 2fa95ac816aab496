/**
 * Game rules shared by the server simulation, client prediction and bots.
 * Distances are world units (one unit is one CSS pixel at zoom 1); times are seconds.
 */

/** The pond spans [-WORLD_HALF, WORLD_HALF] on both axes: several screens wide. */
export const WORLD_HALF = 2000;

/** New tadpoles appear within this distance of the pond centre so newcomers meet. */
export const SPAWN_RADIUS = 200;

/** Default simulation rate of the server's fixed timestep (Hz); TICK_RATE env overrides it. */
export const DEFAULT_TICK_RATE = 20;

/** Movement rules (see movement.ts). */
export const MAX_SPEED = 220;        // units/s at full thrust
export const ACCELERATION = 520;     // units/s² at thrust 1
export const DRAG = 1.6;             // 1/s: fraction of speed lost per second (linear drag)
export const TURN_RATE = 7;          // rad/s: how fast the heading turns toward the wanted angle
export const REST_SPEED = 1;         // units/s: below this, with no thrust, the tadpole stops

/**
 * Wire quanta. Positions travel as 16-bit fixed point over a range a little larger than the
 * pond (a wall snaps inward to the nearest grid point, 1/16 unit inside it), the heading as a 16-bit wrapping angle and
 * the speed as 16-bit over [0, MAX_SPEED]. The movement step snaps to the same grids, so the
 * server's state, the wire and the client's prediction hold bit-identical numbers.
 */
export const POSITION_RANGE = 2048;  // positions are quantized over [-2048, 2048]
export const POSITION_BITS = 16;

/** Text limits (characters, after sanitizing). */
export const NAME_MAX_LENGTH = 24;
export const CHAT_MAX_LENGTH = 140;
export const DEFAULT_NAME = "Guest";

/** How many tadpole colours the client palette has (hue index sent as a uint8). */
export const HUE_COUNT = 12;
