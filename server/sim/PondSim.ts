import { angleDelta } from "../../shared/angle.ts";
import { SPAWN_RADIUS } from "../../shared/constants.ts";
import { ANGLE_GRID, THRUST_GRID } from "../../shared/grids.ts";
import type { Steer } from "../../shared/input.ts";
import { spawnPoint, stepTadpole } from "../../shared/movement.ts";
import { quantum } from "../../shared/quantize.ts";
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
  /** The steering its player last changed to (a change is activity: see PondSim.step). */
  steerAngle: number;
  steerThrust: number;
  /** `PondSim.tick` at its player's last activity (`touch`). */
  activeTick: number;
  /** Marked idle (server/sim/Pond.ts checkIdle); cleared by its next activity, at once. */
  idle: boolean;
}

/**
 * A client may bank this many fixed steps: enough to catch up after a burst of jitter
 * (inputs arriving two at a time), never enough to swim faster than the rules for long.
 */
export const MAX_STEP_CREDIT = 4;
export { INPUT_CUSHION } from "./InputCushion.ts";
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
      index: this.swimmers.length,
      stepCredit: 1,
      playing: false,
      cushion: INPUT_CUSHION,
      arrivals: new InputCushion(this.tickMs),
      played: 0,
      counted: inputs,
      excess: 0,
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
   * `catchUp`: this step runs right after another, in the same timer callback. The step timer
   * fires a little late each time, so every few seconds its accumulator owes two steps at once,
   * before the socket reads that would bring the second step's inputs (Node runs timers before
   * I/O); a swimmer that runs dry there is not late and keeps playing.
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
      if (inputs !== s.counted) { s.counted = inputs; s.played = 0; }
      const queued = inputs.size;
      const cushion = (s.cushion = s.arrivals.observe(s.played + queued));
      if (!s.playing && queued >= cushion) s.playing = true;
      if (s.playing) {
        // A backlog two over the cushion (a burst), or one over it for a while (the cushion shrank,
        // or the client's clock runs fast): drain it, one extra step a tick.
        s.excess = queued > cushion ? s.excess + 1 : 0;
        let steps = 1;
        if (queued > cushion + 1 || s.excess >= EXCESS_TICKS) { steps = 2; s.excess = 0; }
        while (steps > 0 && s.stepCredit >= 1) {
          const input = inputs.next();
          if (input === undefined) {
            // Starved: refill the cushion before moving again. Not in a catch-up step: there the
            // server runs ahead of the clock, not the input behind it, and a refill would stand
            // a swimmer still for a whole tick more.
            if (!catchUp) s.playing = false;
            break;
          }
          s.played++;
          const body = s.body;
          const x = body.x;
          const y = body.y;
          stepTadpole(body, input, dt);
          if (steered(s, input) || (input.thrust > 0 && (body.x !== x || body.y !== y))) this.touch(s);
          s.stepCredit -= 1;
          steps--;
        }
      }
      const from = this.grid.update(s);
      if (from >= 0) this.onCellChange?.(s, from);
    }
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
