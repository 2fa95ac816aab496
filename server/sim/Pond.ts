import { Tadpole, type Body, type PondState } from "../../shared/state.ts";
import { PositionStreamEncoder, StreamFrameWriter } from "../../shared/stream/index.ts";
import { CellInterest, type Watcher } from "./CellInterest.ts";
import { PondSim, type InputSource, type SimSwimmer } from "./PondSim.ts";

/** What the pond keeps on each member besides the simulation's own fields. */
export interface MemberFields extends Omit<Watcher, keyof SimSwimmer> {
  /** Its identity in the state (name, colour, away), which every client receives. */
  readonly tadpole: Tadpole;
  /** The own body was sent since the last full state, and `lastSelf` holds it. */
  selfSent: boolean;
  readonly lastSelf: Body;
}

/** One tadpole in the pond: simulated, filed in the grid, watching its part of the pond. */
export type Member<E extends object = object> = SimSwimmer & MemberFields & E;

export interface PondOptions {
  /** A client sees the cells within this distance of its tadpole (units). */
  viewRadius: number;
  /** False: every client watches every cell (the benchmark baseline). */
  interest: boolean;
  /** Random numbers in [0, 1) for spawn points (Math.random by default). */
  random?: () => number;
}

/**
 * Cells per view radius. Smaller cells fit what a client receives closer to its radius (it gets
 * whole cells); larger ones cost fewer block headers and fewer cell crossings (each a full
 * record) per tick. At 2 a client watches ~20 cells and receives the tadpoles within about 1.4
 * view radii; against 3, that measured 20 % fewer bytes per position (docs/benchmarks/load.md).
 */
export const CELLS_PER_VIEW_RADIUS = 2;
/** The leave radius, as a multiple of the view (enter) radius: hysteresis at the edge. */
export const LEAVE_FACTOR = 1.15;

/**
 * Each client's watched cells are re-swept every this many ticks (200 ms at 20 Hz). The leave
 * radius is 15 % wider than the enter radius, far more than a tadpole swims in that time.
 */
const SWEEP_TURNS = 4;

/**
 * The pond without sockets: its state (every tadpole's identity, sent to everyone and encoded
 * once), the simulation, the cells each member watches and the position stream. The room feeds it joins, leaves and inputs and hands each
 * client its stream tail; the load benchmark's tick model drives the very same object.
 *
 * Cells are half a view radius wide (CELLS_PER_VIEW_RADIUS): since the stream is encoded once
 * per cell, a client costs the cells it watches, not the tadpoles in them.
 */
export class Pond<E extends object = object> {
  readonly sim: PondSim<MemberFields & E>;
  readonly interest: CellInterest<Member<E>>;
  readonly stream: PositionStreamEncoder;
  private readonly writer = new StreamFrameWriter();
  private sweepTurn = 0;

  constructor(readonly state: PondState, options: PondOptions) {
    const radius = options.viewRadius;
    this.sim = new PondSim<MemberFields & E>({ cellSize: Math.max(50, radius / CELLS_PER_VIEW_RADIUS), random: options.random });
    const grid = this.sim.grid;
    this.interest = new CellInterest<Member<E>>({ enterRadius: radius, leaveRadius: radius * LEAVE_FACTOR, enabled: options.interest }, grid);
    this.stream = new PositionStreamEncoder(grid.cellCount);
    this.sim.onCellChange = (member) => this.stream.setCell(member.id, member.cell);
    this.sim.onWake = (member) => { member.tadpole.idle = false; };
  }

  get members(): ReadonlyArray<Member<E>> {
    return this.sim.swimmers;
  }

  /** A newcomer: spawned near the centre, in the state under `key`, seen by those watching its cell. */
  join(key: string, inputs: InputSource, name: string, hue: number, extras: E): Member<E> {
    const tadpole = new Tadpole();
    tadpole.name = name;
    tadpole.hue = hue;
    const body: Body = { x: 0, y: 0, angle: 0, speed: 0 };
    const fields: MemberFields = {
      tadpole,
      watched: [],
      watchIndex: this.interest.newIndex(),
      watcherSlot: this.interest.newIndex(),
      entered: [],
      dropped: [],
      selfSent: false,
      lastSelf: { x: 0, y: 0, angle: 0, speed: 0 },
    };
    const member = this.sim.spawn(key, inputs, body, { ...extras, ...fields }) as Member<E>;
    tadpole.id = member.id;
    this.state.tadpoles.set(key, tadpole);
    this.stream.add(member.id, member.cell, body);
    this.interest.attach(member);
    return member;
  }

  leave(member: Member<E>): void {
    this.interest.detach(member);
    this.stream.remove(member.id);
    this.sim.despawn(member);
    this.state.tadpoles.delete(member.key);
  }

  /** One fixed step of the simulation, then a quarter of the members' watched cells swept. */
  step(dt: number): void {
    this.sim.step(dt);
    this.sweep();
  }

  /**
   * Marks idle (in the state, so it fades for everyone) each member whose player did nothing for
   * `fadeTicks` fixed steps (see PondSim.step and touch: the next activity clears it at once),
   * and hands `expired` each one quiet for `kickTicks` (0: never). For a coarse timer (the room
   * runs it once a second): one comparison per member, and a state change only when one turns.
   * `expired` may remove the member it is given.
   */
  checkIdle(fadeTicks: number, kickTicks: number, expired: (member: Member<E>) => void): void {
    const members = this.sim.swimmers;
    const tick = this.sim.tick;
    // Backwards: a member removed in `expired` is replaced by the last one, already visited.
    for (let i = members.length - 1; i >= 0; i--) {
      const member = members[i];
      const quiet = tick - member.activeTick;
      if (!member.idle && quiet >= fadeTicks) {
        member.idle = true;
        member.tadpole.idle = true;
      }
      if (kickTicks > 0 && quiet >= kickTicks) expired(member);
    }
  }

  /** Re-sweeps the watched cells of a quarter of the members (each member every SWEEP_TURNS steps). */
  sweep(): void {
    const members = this.sim.swimmers;
    const phase = this.sweepTurn++ % SWEEP_TURNS;
    for (let i = phase; i < members.length; i += SWEEP_TURNS) this.interest.sweep(members[i]);
  }

  /** How many tadpoles `member`'s client sees (its own included): everyone in its watched cells. */
  seenBy(member: Member<E>): number {
    let count = 0;
    const cells = this.sim.grid.cells;
    for (let i = 0; i < member.watched.length; i++) count += cells[member.watched[i]].length;
    return count;
  }

  /** Once per patch, before any member's tail: every cell's block, encoded once. */
  encodeStream(): void {
    this.stream.encodeTick();
  }

  /**
   * A member's stream for this patch: its own exact body (when it changed), drops for cells it
   * stopped watching, key blocks for cells it started watching, and the delta blocks of the rest.
   * A view of a shared buffer, valid until the next call.
   */
  tailFor(member: Member<E> | undefined): Uint8Array {
    const writer = this.writer;
    if (member === undefined) {
      writer.begin(null);
      return writer.finish();
    }
    writer.begin(this.selfUpdate(member));
    const stream = this.stream;
    for (let i = 0; i < member.dropped.length; i++) writer.drop(member.dropped[i]);
    const entered = member.entered;
    for (let i = 0; i < entered.length; i++) writer.key(entered[i], stream.key(entered[i]));
    const watched = member.watched;
    for (let i = 0; i < watched.length; i++) {
      const cell = watched[i];
      const delta = stream.delta(cell);
      // A cell keyed this tick already carries this tick's state.
      if (delta !== null && (entered.length === 0 || !entered.includes(cell))) writer.delta(cell, delta);
    }
    member.dropped.length = 0;
    entered.length = 0;
    return writer.finish();
  }

  /** The member's client was just sent a full state: its next tail restarts the stream. */
  resync(member: Member<E>): void {
    this.interest.resync(member);
    member.selfSent = false;
  }

  /** The own body if the client does not have it yet, else null. */
  private selfUpdate(member: Member<E>): Body | null {
    const body = member.body;
    const last = member.lastSelf;
    if (member.selfSent && last.x === body.x && last.y === body.y && last.angle === body.angle && last.speed === body.speed) return null;
    last.x = body.x;
    last.y = body.y;
    last.angle = body.angle;
    last.speed = body.speed;
    member.selfSent = true;
    return body;
  }
}
