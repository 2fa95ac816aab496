import { angleDelta } from "../../shared/angle.ts";
import { SPAWN_RADIUS } from "../../shared/constants.ts";
import { ANGLE_GRID, THRUST_GRID } from "../../shared/grids.ts";
import type { Steer } from "../../shared/input.ts";
import { spawnPoint, stepTadpole } from "../../shared/movement.ts";
import { quantum } from "../../shared/quantize.ts";
import { copyPose } from "../../shared/pose.ts";
import type { Body } from "../../shared/state.ts";
import { IdPool } from "./IdPool.ts";
import { INPUT_CUSHION, InputCushion } from "./InputCushion.ts";
import { SpatialGrid, type Placed } from "./SpatialGrid.ts";

/** Where a swimmer's steering comes from: its owner's queued inputs, oldest first. */
export interface InputSource {
  readonly size: number;
  next(): Steer | undefined;
}

/** One tadpole as the simulation sees it. */
export interface SimSwimmer extends Placed {
  /** The owner's key (the room's session id). */
  readonly key: string;
  /** Short id (see IdPool), the name the position stream gives it. */
  readonly id: number;
  readonly body: Body;
  /**
   * Where its inputs alone have brought it: `body` less the steps played on a guess (`owed`).
   * What its own client is sent, with the inputs played as the acknowledgement: the client's
   * prediction, which played the real inputs, is compared with exactly that.
   */
  readonly confirmed: Body;
  /** Its owner's input queue: Colyseus gives a reconnected client a new one (see the room's onReconnect). */
  inputs: InputSource;
  /** Position in `PondSim.swimmers` (owned by the sim). */
  index: number;
  /** Fixed steps it may still take (see MAX_STEP_CREDIT). */
  stepCredit: number;
  /** Playing inputs from its cushion (false until `cushion` are queued, and after running dry). */
  playing: boolean;
  /** Inputs queued before it starts (or restarts) playing them: sized from its own link's jitter (InputCushion). */
  cushion: number;
  /** Measures how unevenly its inputs arrive, and sizes `cushion` from that. */
  readonly arrivals: InputCushion;
  /** Inputs played from `counted` (the queue they were counted in): with its size, all delivered. */
  played: number;
  counted: InputSource;
  /** Consecutive ticks it held more than its cushion (latency it no longer needs). */
  excess: number;
  /** The steering it last played or learnt of (what a guess repeats). */
  readonly held: Steer;
  /** Ticks played on a guess whose inputs have not come yet (the steps `body` is ahead of `confirmed`), each with `held`. */
  owed: number;
  /** Consecutive ticks it has owed inputs and none came (see OWED_TICKS). */
  owedTicks: number;
  /** The steering its player last changed to (a change is activity: see PondSim.step). */
  steerAngle: number;
  steerThrust: number;
  /** `PondSim.tick` at its player's last activity (`touch`). */
  activeTick: number;
  /** Marked idle (server/sim/Pond.ts checkIdle); cleared by its next activity, at once. */
  idle: boolean;
}

/**
 * A client may bank this many fixed steps (one a tick it did not step): enough to drain the
 * largest cushion and the jitter above it once its link calms, never enough to swim faster
 * than the rules for long (a step banked is a step it stood still first).
 */
export const MAX_STEP_CREDIT = 6;
export { INPUT_CUSHION } from "./InputCushion.ts";
/**
 * A swimmer whose input is late swims on with the steering it had for at most this many ticks
 * (300 ms at 20 Hz: a TCP retransmission, ~200 ms, and the link's spread); past that its
 * player is not late but gone (a hidden tab, a dropped socket), and it waits for inputs again.
 */
export const MAX_GUESSES = 6;
/**
 * Owed inputs are not coming when none has come for this many ticks (a client that stopped:
 * a hidden tab, a dead socket). They are forgiven (the guesses stand) and the cushion refilled.
 * A client whose inputs come each a tick late for a while (its sends drifting past our tick)
 * owes one for as long as that lasts and settles one every tick: that is not this.
 */
const OWED_TICKS = 20;
/**
 * A swimmer holding more inputs than its cushion for this many ticks plays two in one tick to
 * shed the latency (a burst that passes on its own does not make it jump).
 */
const EXCESS_TICKS = 20;
/** Short ids: the stream names a tadpole in 16 bits. */
export const MAX_SWIMMERS = 65_536;
/**
 * Steering that moved less than this from the last change is no change: a little over one wire
 * quantum, so a value rounding back and forth across a grid step (a pointer at rest, a camera
 * settling) is not taken for a hand on the mouse.
 */
const ANGLE_SLACK = 1.5 * quantum(ANGLE_GRID);
const THRUST_SLACK = 1.5 * quantum(THRUST_GRID);

export interface PondSimOptions {
  /** Side of the spatial grid's cells, units. */
  cellSize: number;
  /** Random numbers in [0, 1) for spawn points (Math.random by default; tests seed it). */
  random?: () => number;
  /** The fixed step, ms (50 by default): the cadence a steady client's inputs keep (InputCushion). */
  tickMs?: number;
}

/**
 * The pond's simulation, without sockets or Colyseus: the swimmers, their fixed step (the shared
 * movement function), the input cushion and step credit, spawn and despawn, and the spatial grid
 * every positioned thing is filed in. The room feeds it inputs and reads bodies; benchmarks and
 * tests drive it directly.
 */
export class PondSim<E extends object = object> {
  readonly grid: SpatialGrid<SimSwimmer & E>;
  /** Every swimmer, as an array: the step walks it without allocating iterator entries. */
  readonly swimmers: Array<SimSwimmer & E> = [];
  /** Called after a step moved a swimmer into another grid cell. */
  onCellChange: ((swimmer: SimSwimmer & E, from: number) => void) | undefined;
  /** Called when an idle swimmer's player is active again, the moment it is. */
  onWake: ((swimmer: SimSwimmer & E) => void) | undefined;
  /** Fixed steps run so far: the clock idleness is measured on (see `activeTick`). */
  tick = 0;
  /** Ticks played on a guess so far. */
  guessed = 0;
  /** Called when late inputs moved a swimmer off the path it was guessed along, with how far (units): what everyone else sees corrected. */
  onGuessCorrected: ((units: number) => void) | undefined;
  private readonly ids = new IdPool(MAX_SWIMMERS);
  private readonly random: () => number;
  private readonly tickMs: number;

  constructor(options: PondSimOptions) {
    this.grid = new SpatialGrid(options.cellSize);
    this.random = options.random ?? Math.random;
    this.tickMs = options.tickMs ?? 50;
  }

  /**
   * Adds a swimmer at a spawn point near the centre (`body` is written in place). `extra` are the
   * caller's own fields, kept on the same object so the grid and the caller share one swimmer.
   */
  spawn(key: string, inputs: InputSource, body: Body, extra: E): SimSwimmer & E {
    const id = this.ids.take();
    if (id < 0) throw new Error("the pond has no free swimmer id");
    spawnPoint(this.random(), this.random(), SPAWN_RADIUS, body);
    const swimmer: SimSwimmer & E = {
      ...extra,
      key, id, body, inputs,
      confirmed: { x: body.x, y: body.y, angle: body.angle, speed: body.speed },
      index: this.swimmers.length,
      stepCredit: 1,
      playing: false,
      cushion: INPUT_CUSHION,
      arrivals: new InputCushion(this.tickMs),
      played: 0,
      counted: inputs,
      excess: 0,
      held: { angle: body.angle, thrust: 0 },
      owed: 0,
      owedTicks: 0,
      // At rest, facing the way it spawned: what a client that does nothing sends.
      steerAngle: body.angle,
      steerThrust: 0,
      activeTick: this.tick,
      idle: false,
      cell: -1,
      slot: 0,
    };
    this.swimmers.push(swimmer);
    this.grid.insert(swimmer);
    return swimmer;
  }

  despawn(swimmer: SimSwimmer & E): void {
    const last = this.swimmers.pop()!;
    if (last !== swimmer) {
      this.swimmers[swimmer.index] = last;
      last.index = swimmer.index;
    }
    this.grid.remove(swimmer);
    this.ids.give(swimmer.id);
  }

  /** Its player did something (steered, swam, chatted, renamed): not idle, from now. */
  touch(swimmer: SimSwimmer & E): void {
    swimmer.activeTick = this.tick;
    if (swimmer.idle) {
      swimmer.idle = false;
      this.onWake?.(swimmer);
    }
  }

  /**
   * One fixed step. Each swimmer plays its owner's inputs one per tick from a cushion sized to its
   * own link's jitter (InputCushion: a jitter buffer, so others see a steady path even when inputs
   * arrive unevenly; none on a steady link), drains a lasting backlog one extra step per tick, and
   * never takes more steps than it has banked credit.
   *
   * A swimmer whose input has not come by its tick swims on with the steering it had (most
   * likely its player's hand has not moved), instead of standing still for everyone and then
   * jumping two steps a tick to catch up. Its own client is still sent where its real inputs
   * brought it (`confirmed`). When the late inputs come, the swimmer is re-stepped from there
   * with them (the movement step is pure, and a tadpole's path depends on its inputs alone):
   * a right guess changes nothing, a wrong one (the player turned meanwhile) moves it by the
   * difference, which other clients smooth like any correction. After MAX_GUESSES the swimmer
   * stops and waits to refill its cushion.
   *
   * `catchUp`: this step runs right after another, in the same timer callback. The step timer
   * fires a little late each time, so every few seconds it owes two steps at once and runs the
   * second before the socket reads that bring its inputs (Node runs timers before I/O). That
   * input is not late: a swimmer whose queue is empty there skips the step (and keeps playing).
   * A guess would put the server one step ahead of a steady client for good: each input would
   * settle the guess before it and the tick after it would be guessed again, every tick.
   *
   * An input is activity (`touch`) when its steering differs from the last change by more than
   * the wire's quantum, or when it swims (thrust) and the tadpole moved: an honest client sends
   * the same input every tick when its player does nothing, and a tadpole swimming across the
   * pond on a held key is not idle, while one pushing into a wall is.
   */
  step(dt: number, catchUp = false): void {
    this.tick++;
    const swimmers = this.swimmers;
    for (let i = 0; i < swimmers.length; i++) {
      const s = swimmers[i];
      s.stepCredit = Math.min(MAX_STEP_CREDIT, s.stepCredit + 1);
      const inputs = s.inputs;
      if (inputs !== s.counted) { s.counted = inputs; s.played = 0; this.forgive(s, true); }
      const grown = s.cushion;
      const cushion = (s.cushion = s.arrivals.observe(s.played + inputs.size));
      // A larger cushion is built by holding inputs back, once (a guess keeps the queue as it was).
      if (cushion > grown) s.playing = false;
      if (s.owed > 0 && inputs.size > 0) {
        this.settle(s, inputs, dt);
        s.owedTicks = 0;
      }
      const queued = inputs.size;
      if (!s.playing && queued >= cushion) s.playing = true;
      if (s.playing) {
        // A backlog over the cushion for a while (the cushion shrank, or the client's clock runs
        // fast): drain it, one extra step a tick. A burst (inputs a stall held back) is not one:
        // they took the place of guesses, or fill the ticks of silence that follow a bunch.
        s.excess = queued > cushion ? s.excess + 1 : 0;
        let steps = 1;
        if (s.excess >= EXCESS_TICKS) { steps = 2; s.excess = 0; }
        let taken = 0;
        while (steps > 0 && s.stepCredit >= 1) {
          let input = inputs.next();
          const guessed = input === undefined;
          if (input === undefined) {
            // Late (only this tick's own step is guessed, never a drain's extra one); or gone.
            if (taken > 0 || catchUp) break;
            if (s.owed >= MAX_GUESSES) { s.playing = false; break; }
            s.owed++;
            this.guessed++;
            input = s.held;
          } else {
            s.played++;
            s.held.angle = input.angle;
            s.held.thrust = input.thrust;
          }
          const body = s.body;
          const x = body.x;
          const y = body.y;
          stepTadpole(body, input, dt);
          if (!guessed) copyPose(body, s.confirmed);
          if (!guessed && (steered(s, input) || (input.thrust > 0 && (body.x !== x || body.y !== y)))) this.touch(s);
          s.stepCredit -= 1;
          steps--;
          taken++;
        }
      }
      if (s.owed === 0) s.owedTicks = 0;
      else if (++s.owedTicks > OWED_TICKS) { this.forgive(s, false); s.playing = false; }
      const from = this.grid.update(s);
      if (from >= 0) this.onCellChange?.(s, from);
    }
  }

  /**
   * Late inputs came for ticks played on a guess: they take the place of as many guesses, the
   * ones still owed are guessed again from the newest steering, and the swimmer is re-stepped
   * from `confirmed` through both (at most MAX_GUESSES steps, and only when inputs were late).
   */
  private settle(s: SimSwimmer & E, inputs: InputSource, dt: number): void {
    const confirmed = s.confirmed;
    const guessedX = s.body.x;
    const guessedY = s.body.y;
    let input: Steer | undefined;
    while (s.owed > 0 && (input = inputs.next()) !== undefined) {
      s.played++;
      s.owed--;
      s.held.angle = input.angle;
      s.held.thrust = input.thrust;
      if (steered(s, input)) this.touch(s);
      stepTadpole(confirmed, input, dt);
    }
    copyPose(confirmed, s.body);
    for (let i = 0; i < s.owed; i++) stepTadpole(s.body, s.held, dt);
    const off = Math.hypot(s.body.x - guessedX, s.body.y - guessedY);
    if (off > 0) this.onGuessCorrected?.(off);
  }

  /**
   * Its owner reconnected with a new input queue: inputs owed on the old one will not come. It
   * goes back to where its inputs brought it (the body its client last heard of) and waits for
   * the new connection's inputs, as a newcomer does, instead of guessing on.
   */
  requeue(s: SimSwimmer & E, inputs: InputSource): void {
    s.inputs = inputs;
    s.playing = false;
    this.forgive(s, true);
  }

  /**
   * Owed inputs that will not come. `undo`: the guessed steps are taken back (a reconnection:
   * its client goes on from the body it last heard of). Otherwise they stand (a player gone
   * quiet: its tadpole stays where others saw it swim to, and its client hears so and is
   * corrected when it sends again, as after any time away).
   */
  private forgive(s: SimSwimmer & E, undo: boolean): void {
    s.owed = 0;
    s.owedTicks = 0;
    if (!undo) { copyPose(s.body, s.confirmed); return; }
    const off = Math.hypot(s.body.x - s.confirmed.x, s.body.y - s.confirmed.y);
    copyPose(s.confirmed, s.body);
    if (off > 0) this.onGuessCorrected?.(off);
  }
}

/** Whether `input` changes the swimmer's steering (beyond ANGLE_SLACK / THRUST_SLACK); if so it becomes the new reference. */
function steered(s: SimSwimmer, input: Steer): boolean {
  const turn = angleDelta(s.steerAngle, input.angle);
  const push = input.thrust - s.steerThrust;
  if (turn <= ANGLE_SLACK && turn >= -ANGLE_SLACK && push <= THRUST_SLACK && push >= -THRUST_SLACK) return false;
  s.steerAngle = input.angle;
  s.steerThrust = input.thrust;
  return true;
}
