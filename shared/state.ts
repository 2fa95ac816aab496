import { schema, t } from "@colyseus/schema";
import { MAX_SPEED, POSITION_BITS, POSITION_RANGE } from "./constants.ts";

/**
 * One tadpole's identity: who it is and how it looks. Where it is does not travel in the schema:
 * positions go out in the position stream (shared/stream, docs/stream-format.md), which names
 * each tadpole by `id`; the client's own exact body rides in the same stream.
 */
export const Tadpole = schema({
  /** Short id: the tadpole's name in the position stream (0..65535, unique in the pond). */
  id: t.uint16(),
  name: t.string(),
  /** Index into the client's colour palette. */
  hue: t.uint8(),
  /** True while its player's connection is lost and the pond holds its place for a reconnect. */
  away: t.boolean().default(false),
  /**
   * True while its player has done nothing for IDLE_FADE_SECONDS (no change of steering, no
   * swimming, no chat): it fades on every screen. No default: a tadpole that was never idle
   * costs nothing for it at a join; a change costs the pond about 4 bytes.
   */
  idle: t.boolean(),
  /**
   * How grown it is (shared/growth.ts: levelOf its mass, 0..20): how large everyone draws it, and
   * from which level it has legs or is a frog. No default, like `idle`: a tadpole that never ate
   * costs nothing for it.
   */
  level: t.uint8(),
}, "Tadpole");
export type Tadpole = InstanceType<typeof Tadpole>;

/**
 * Every tadpole's identity, by session id, for every client: a few bytes each, changing rarely,
 * so they are encoded once for everyone. Where each one is, and so which ones a client draws,
 * comes from the position stream, which is per client.
 */
/** A place on the leaderboard: a player's name and mass (what it has eaten, less hunger). */
export const Leader = schema({
  name: t.string(),
  mass: t.uint16(),
}, "Leader");
export type Leader = InstanceType<typeof Leader>;

export const PondState = schema({
  tadpoles: t.map(Tadpole),
  /** The largest in the pond now, largest first (up to LEADERBOARD_SIZE; updated once a second). */
  leaders: t.array(Leader),
  /** The largest any tadpole has been in this pond since it opened (mass 0: nobody has eaten yet). */
  best: t.ref(Leader),
}, "PondState");
export type PondState = InstanceType<typeof PondState>;

/**
 * The tadpole's own body for the client's prediction: the same quantized grids the movement step
 * snaps to (shared/grids.ts), so the SDK's reconciler compares and replays bit-exactly. The server
 * never puts one in the state: the client keeps one and fills it from the stream's exact self
 * section (client/net/streamSerializer.ts).
 */
export const OwnBody = schema({
  x: t.quantized({ min: -POSITION_RANGE, max: POSITION_RANGE, bits: POSITION_BITS }),
  y: t.quantized({ min: -POSITION_RANGE, max: POSITION_RANGE, bits: POSITION_BITS }),
  /** Heading in radians, [0, 2π). */
  angle: t.angle({ bits: 16 }),
  /** Current speed in units/s, [0, MAX_SPEED]. */
  speed: t.quantized({ min: 0, max: MAX_SPEED, bits: 16 }),
}, "OwnBody");
export type OwnBody = InstanceType<typeof OwnBody>;

/** The part of a tadpole the movement step reads and writes: its pose (the one shape, shared/pose.ts). */
export type { Pose as Body } from "./pose.ts";
