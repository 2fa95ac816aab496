import { eatReach, levelOf, MAX_MASS } from "../../shared/growth.ts";
import { Tadpole, type Body, type PondState } from "../../shared/state.ts";
import { PositionStreamEncoder, StreamFrameWriter } from "../../shared/stream/index.ts";
import { CellInterest, type Watcher } from "./CellInterest.ts";
import { FoodField } from "./FoodField.ts";
import { LEADERBOARD_SIZE, topRanked, writeLeaders } from "./Leaderboard.ts";
import { PondSim, type InputSource, type SimSwimmer } from "./PondSim.ts";

/** What the pond keeps on each member besides the simulation's own fields. */
export interface MemberFields extends Omit<Watcher, keyof SimSwimmer> {
  /** Its identity in the state (name, colour, away), which every client receives. */
  readonly tadpole: Tadpole;
  /** The own body was sent since the last full state, and `lastSelf` holds it. */
  selfSent: boolean;
  readonly lastSelf: Body;
  /** Specks eaten, less what hunger took (0..MAX_MASS); the state shows its level. */
  mass: number;
  /** The fixed step it last ate at, or since which hunger last took a mass. */
  fedTick: number;
  /** The fixed step its mass last changed (the leaderboard's tie-break: who got there first). */
  massTick: number;
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
  /** Specks of food kept in the pond (0 or unset: none). */
  food?: number;
  /** The fixed step, ms (50 by default). */
  tickMs?: number;
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
  /** The pond's food, or undefined when it has none. */
  readonly food: FoodField | undefined;
  private readonly writer = new StreamFrameWriter();
  private readonly top: Array<Member<E>> = [];
  /** Bytes of food sections in the tails so far (the benchmark's food traffic). */
  foodBytes = 0;
  private sweepTurn = 0;

  constructor(readonly state: PondState, options: PondOptions) {
    const radius = options.viewRadius;
    this.sim = new PondSim<MemberFields & E>({ cellSize: Math.max(50, radius / CELLS_PER_VIEW_RADIUS), random: options.random, tickMs: options.tickMs });
    const grid = this.sim.grid;
    this.interest = new CellInterest<Member<E>>({ enterRadius: radius, leaveRadius: radius * LEAVE_FACTOR, enabled: options.interest }, grid);
    this.stream = new PositionStreamEncoder(grid.cellCount);
    this.sim.onCellChange = (member) => this.stream.setCell(member.id, member.cell);
    this.sim.onWake = (member) => { member.tadpole.idle = false; };
    const food = options.food ?? 0;
    this.food = food > 0 ? new FoodField({ count: food, areas: grid, crowd: (cell) => grid.cells[cell].length, random: options.random }) : undefined;
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
      mass: 0,
      fedTick: 0,
      massTick: 0,
    };
    const member = this.sim.spawn(key, inputs, body, { ...extras, ...fields }) as Member<E>;
    tadpole.id = member.id;
    member.fedTick = this.sim.tick;
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

  /**
   * One fixed step of the simulation, then every tadpole eats what its head touches, then a
   * quarter of the members' watched cells are swept. `catchUp`: see PondSim.step.
   */
  step(dt: number, catchUp = false): void {
    this.sim.step(dt, catchUp);
    this.eat();
    this.sweep();
  }

  /** Each member eats the specks within its reach, where the step put it: the server decides every eat. */
  eat(): void {
    const food = this.food;
    if (food === undefined) return;
    const members = this.sim.swimmers;
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      const eaten = food.eatAt(member.body.x, member.body.y, eatReach(member.tadpole.level ?? 0));
      if (eaten > 0) {
        member.fedTick = this.sim.tick;
        this.setMass(member, member.mass + eaten);
      }
    }
  }

  /** Sets a member's mass (clamped to 0..MAX_MASS), and its level in the state when that changes. */
  setMass(member: Member<E>, mass: number): void {
    const clamped = mass < 0 ? 0 : mass > MAX_MASS ? MAX_MASS : Math.floor(mass);
    if (clamped === member.mass) return;
    member.mass = clamped;
    member.massTick = this.sim.tick;
    const level = levelOf(member.mass);
    if ((member.tadpole.level ?? 0) !== level) member.tadpole.level = level;
  }

  /**
   * Hunger: each member that ate nothing for `hungerTicks` fixed steps (HUNGER_SECONDS by default)
   * loses one mass, and again every `hungerTicks` after, so a champion who stops eating (or left
   * the keyboard) shrinks slowly. For a coarse timer, like checkIdle.
   */
  checkHunger(hungerTicks: number): void {
    if (hungerTicks <= 0) return;
    const members = this.sim.swimmers;
    const tick = this.sim.tick;
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      if (member.mass === 0) {
        member.fedTick = tick;
        continue;
      }
      while (tick - member.fedTick >= hungerTicks && member.mass > 0) {
        member.fedTick += hungerTicks;
        this.setMass(member, member.mass - 1);
      }
    }
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

  /** The leaderboard and the pond's best, from the members' masses now (for a once-a-second timer). */
  updateLeaders(): void {
    writeLeaders(this.state, topRanked(this.sim.swimmers, LEADERBOARD_SIZE, this.top));
  }

  /** Once per patch, before any member's tail: every cell's block (and food changes), encoded once. */
  encodeStream(): void {
    this.stream.encodeTick();
    this.food?.encodeTick();
  }

  /** Once per patch, after every member's tail: this tick's food changes are out. */
  endStream(): void {
    this.food?.endTick();
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
    const food = this.food;
    for (let i = 0; i < member.dropped.length; i++) writer.drop(member.dropped[i]);
    const entered = member.entered;
    for (let i = 0; i < entered.length; i++) {
      writer.key(entered[i], stream.key(entered[i]));
      const specks = food?.key(entered[i]);
      if (specks) writer.foodKey(entered[i], specks);
    }
    const watched = member.watched;
    for (let i = 0; i < watched.length; i++) {
      const cell = watched[i];
      const delta = stream.delta(cell);
      const changes = food === undefined ? null : food.changes(cell);
      if (delta === null && changes === null) continue;
      // A cell keyed this tick already carries this tick's state.
      if (entered.length !== 0 && entered.includes(cell)) continue;
      if (delta !== null) writer.delta(cell, delta);
      if (changes !== null) writer.foodChanges(cell, changes);
    }
    member.dropped.length = 0;
    entered.length = 0;
    const frame = writer.finish();
    this.foodBytes += writer.foodBytes;
    return frame;
  }

  /** The member's client was just sent a full state: its next tail restarts the stream. */
  resync(member: Member<E>): void {
    this.interest.resync(member);
    member.selfSent = false;
  }

  /** The own body if the client does not have it yet, else null: where its inputs alone brought it (PondSim.step). */
  private selfUpdate(member: Member<E>): Body | null {
    const body = member.confirmed;
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
