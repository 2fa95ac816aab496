import { WORLD_HALF } from "../../shared/constants.ts";
import { POSITION_GRID } from "../../shared/grids.ts";
import { ByteWriter } from "../../shared/stream/bytes.ts";
import { fromCode, toCode } from "../../shared/stream/codes.ts";
import { writeFoodChanges, writeFoodKey, type SpeckCode } from "../../shared/stream/food.ts";
import { MAX_SPECK_ID } from "../../shared/stream/format.ts";
import { IdPool } from "./IdPool.ts";
import { SpatialGrid, type Placed } from "./SpatialGrid.ts";

/** One speck: where it is (exactly a position-grid point, as clients decode it), and its filing. */
interface Speck extends Placed, SpeckCode {
  readonly body: { readonly x: number; readonly y: number };
  /** The interest cell it is sent under. */
  readonly area: number;
  /** Its index in that area's list. */
  areaSlot: number;
}

export interface FoodFieldOptions {
  /** Specks kept in the pond. */
  count: number;
  /** The interest grid: specks are sent under its cells (see CellInterest). */
  areas: SpatialGrid<Placed>;
  /** Tadpoles in an interest cell now: specks are born where the crowd is thin. */
  crowd: (area: number) => number;
  random?: () => number;
}

/** Side of the cells specks are filed in for eating: a head touches one to four of them. */
const EAT_CELL = 32;
/** Specks are born this far inside the walls, where a tadpole can reach them. */
export const FOOD_MARGIN = 40;
/** Places tried for each new speck (two random numbers each); it goes to the one with the fewest tadpoles around. */
export const BIRTH_TRIES = 3;

/**
 * The pond's water fleas (issue "Life in the pond"): a steady number of specks that never move,
 * filed twice, in a fine grid for eating and under the interest cells for the position stream.
 * The server decides every eat (`eatAt`, from where the simulation put a tadpole); an eaten speck
 * is born again at once somewhere the crowd is thin. A cell's food goes out as a key when a client
 * starts watching it and as changes in the ticks someone eats there, so food nobody touches costs
 * nothing per tick.
 */
export class FoodField {
  private readonly grid = new SpatialGrid<Speck>(EAT_CELL);
  private readonly ids = new IdPool(MAX_SPECK_ID + 1);
  private readonly random: () => number;
  /** Per interest cell: its specks. */
  private readonly areas: Speck[][];
  /** Per id: the speck holding it now. */
  private readonly byId: (Speck | undefined)[] = [];
  /** Per interest cell: its key body, until it changes (built when a client starts watching it). */
  private readonly keys: (Uint8Array | undefined)[];
  // This tick's changes: the cells that changed (each once), and per cell the ids eaten and specks born.
  private readonly changed: number[] = [];
  private readonly isChanged: Uint8Array;
  private readonly eaten: number[][];
  private readonly born: Speck[][];
  /** This tick's changes bodies, per cell (views into `bodies`), after encodeTick. */
  private readonly bodiesOf: (Uint8Array | undefined)[];
  private readonly bodies = new ByteWriter(1024);
  private readonly starts: number[] = [];
  private readonly scratch: Speck[] = [];
  private eatenNow = 0;
  /** eatAt's finds, reused, and the visit that collects them (made once: no closure per call). */
  private readonly victims: Speck[] = [];
  private readonly collect = (speck: Speck): void => {
    this.victims.push(speck);
  };

  constructor(private readonly options: FoodFieldOptions) {
    const n = options.areas.cellCount;
    this.areas = Array.from({ length: n }, () => []);
    this.keys = new Array(n).fill(undefined);
    this.isChanged = new Uint8Array(n);
    this.eaten = Array.from({ length: n }, () => []);
    this.born = Array.from({ length: n }, () => []);
    this.bodiesOf = new Array(n).fill(undefined);
    this.random = options.random ?? Math.random;
    for (let i = 0; i < options.count; i++) this.spawn(false);
  }

  /** Specks in the pond. */
  get count(): number {
    let n = 0;
    for (const list of this.areas) n += list.length;
    return n;
  }

  /**
   * Eats every speck within `reach` of (x, y) (a tadpole's head after its step) and has as many
   * born elsewhere; returns how many were eaten.
   */
  eatAt(x: number, y: number, reach: number): number {
    const victims = this.victims;
    victims.length = 0;
    this.grid.forEachNear(x, y, reach, this.collect);
    const n = victims.length;
    if (n === 0) return 0;
    for (let i = 0; i < n; i++) this.remove(victims[i]);
    for (let i = 0; i < n; i++) this.spawn(true);
    this.eatenNow += n;
    return n;
  }

  /** Where speck `id` is, or undefined when no speck has that id now (tests and tools). */
  speck(id: number): { readonly x: number; readonly y: number } | undefined {
    return this.byId[id]?.body;
  }

  /** Specks eaten since the last call (metrics). */
  takeEatenCount(): number {
    const n = this.eatenNow;
    this.eatenNow = 0;
    return n;
  }

  /** Once per patch: the changes body of every cell that changed this tick, encoded once. */
  encodeTick(): void {
    const w = this.bodies;
    w.reset(0);
    const starts = this.starts;
    starts.length = 0;
    for (const cell of this.changed) {
      const eaten = this.eaten[cell].sort(ascending);
      const born = this.born[cell].sort(byId);
      starts.push(w.length);
      writeFoodChanges(w, eaten, eaten.length, born, born.length);
    }
    starts.push(w.length);
    for (let i = 0; i < this.changed.length; i++) this.bodiesOf[this.changed[i]] = w.bytes.subarray(starts[i], starts[i + 1]);
  }

  /** This tick's changes of `cell` (after encodeTick), or null when none. */
  changes(cell: number): Uint8Array | null {
    return this.bodiesOf[cell] ?? null;
  }

  /** Every speck of `cell`, for a client that starts watching it; null when it has none. */
  key(cell: number): Uint8Array | null {
    const list = this.areas[cell];
    if (list.length === 0) return null;
    let key = this.keys[cell];
    if (key === undefined) {
      const sorted = this.scratch;
      sorted.length = 0;
      for (const speck of list) sorted.push(speck);
      sorted.sort(byId);
      const w = new ByteWriter(8 + sorted.length * 7);
      writeFoodKey(w, sorted);
      key = this.keys[cell] = w.view();
      sorted.length = 0;
    }
    return key;
  }

  /** After every client's frame: this tick's changes are sent. */
  endTick(): void {
    for (const cell of this.changed) {
      this.eaten[cell].length = 0;
      this.born[cell].length = 0;
      this.bodiesOf[cell] = undefined;
      this.isChanged[cell] = 0;
    }
    this.changed.length = 0;
  }

  private remove(speck: Speck): void {
    this.grid.remove(speck);
    const list = this.areas[speck.area];
    const last = list.pop()!;
    if (last !== speck) {
      list[speck.areaSlot] = last;
      last.areaSlot = speck.areaSlot;
    }
    this.ids.give(speck.id);
    this.byId[speck.id] = undefined;
    this.touch(speck.area);
    // Born and eaten in the same tick: clients never saw it.
    const born = this.born[speck.area];
    const index = born.indexOf(speck);
    if (index >= 0) born.splice(index, 1);
    else this.eaten[speck.area].push(speck.id);
  }

  /** A new speck where the crowd is thinnest of a few random places. */
  private spawn(announce: boolean): void {
    const id = this.ids.take();
    if (id < 0) return;
    const areas = this.options.areas;
    let bestX = 0;
    let bestY = 0;
    let best = Infinity;
    for (let i = 0; i < BIRTH_TRIES; i++) {
      const x = (this.random() * 2 - 1) * (WORLD_HALF - FOOD_MARGIN);
      const y = (this.random() * 2 - 1) * (WORLD_HALF - FOOD_MARGIN);
      const crowd = this.options.crowd(areas.cellAt(x, y));
      if (crowd < best) {
        best = crowd;
        bestX = x;
        bestY = y;
      }
    }
    // On the position grid, so the client decodes exactly where the server eats it.
    const cx = toCode(POSITION_GRID, bestX);
    const cy = toCode(POSITION_GRID, bestY);
    const body = { x: fromCode(POSITION_GRID, cx), y: fromCode(POSITION_GRID, cy) };
    const area = areas.cellAt(body.x, body.y);
    const list = this.areas[area];
    const speck: Speck = { id, x: cx, y: cy, body, area, areaSlot: list.length, cell: -1, slot: 0 };
    list.push(speck);
    this.byId[id] = speck;
    this.grid.insert(speck);
    this.keys[area] = undefined;
    if (announce) {
      this.touch(area);
      this.born[area].push(speck);
    }
  }

  private touch(area: number): void {
    this.keys[area] = undefined;
    if (this.isChanged[area] === 0) {
      this.isChanged[area] = 1;
      this.changed.push(area);
    }
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}

function byId(a: SpeckCode, b: SpeckCode): number {
  return a.id - b.id;
}
