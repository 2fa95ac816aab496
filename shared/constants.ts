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

/**
 * Movement rules (see movement.ts), tuned against the original pond (docs/feel.md): full speed
 * almost at once, a glide of about 0.6 s when let go, a heading that eases toward the pointer
 * whether swimming or not, and a cruise of about the original's speed on screen.
 */
export const MAX_SPEED = 150;        // units/s at full thrust (CSS px/s at the camera's cruising zoom)
export const START_TIME = 0.05;      // s: time constant of speeding up toward the thrust's speed
export const GLIDE_TIME = 0.6;       // s: time constant of slowing down (letting go, or less thrust)
export const TURN_TIME = 0.13;       // s: time constant of the heading's ease toward the wanted angle
export const REST_SPEED = 4;         // units/s: below this, with no thrust, the tadpole stops

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

/**
 * Idleness (docs/feel.md, docs/protocol.md). A player is active when it changes its steering
 * (beyond the wire's quantum), swims somewhere, chats or renames; an honest client sends an
 * input every tick even when nothing changes, so an input alone is not activity.
 *
 * After IDLE_FADE_SECONDS without activity its tadpole is marked `idle` in the state and fades
 * on every screen (the original pond faded a tadpole that sent nothing for ~10 s to 20 %); the
 * next activity clears it at once. After IDLE_KICK_SECONDS the server frees the seat (close code
 * 4410). The server's environment overrides both (IDLE_FADE_SECONDS, and IDLE_TIMEOUT_SECONDS,
 * where 0 never frees a seat).
 */
export const IDLE_FADE_SECONDS = 10;
export const IDLE_KICK_SECONDS = 900;
