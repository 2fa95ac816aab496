import type { SimSwimmer } from "./PondSim.ts";
import type { SpatialGrid } from "./SpatialGrid.ts";

/** A swimmer whose owner watches part of the pond. */
export interface Watcher extends SimSwimmer {
  /** The cells it watches, ascending (its stream frame lists their blocks in cell order). */
  readonly watched: number[];
  /** Per cell, its index in `watched`, or -1 (see CellInterest.newIndex). */
  watchIndex: Int32Array;
  /** Per cell, its slot in that cell's watcher list (valid while watched). */
  watcherSlot: Int32Array;
  /** Cells it started watching since its last frame (they need a key block), and stopped watching (a drop). */
  readonly entered: number[];
  readonly dropped: number[];
}

export interface CellInterestOptions {
  /** A cell comes into view when any of it is within this distance... */
  enterRadius: number;
  /** ...and leaves only when all of it is beyond this one, so an edge does not flicker. */
  leaveRadius: number;
  /** False: every client watches every cell (the benchmark's comparison baseline). */
  enabled: boolean;
}

/**
 * Interest by grid cell: a client watches the cells near its tadpole and receives the positions
 * of exactly the tadpoles filed in them. The position stream is encoded once per cell, so what a
 * client costs per tick is gathering its cells' blocks, not the tadpoles in them.
 *
 * Each cell keeps the list of its watchers, so a chat line (or anything else tied to a place)
 * reaches exactly the clients that see that cell, without looking at anyone else.
 */
export class CellInterest<W extends Watcher = Watcher> {
  private readonly watchers: W[][];
  private readonly enter2: number;
  private readonly leave2: number;
  private readonly reach: number;

  constructor(private readonly options: CellInterestOptions, private readonly grid: SpatialGrid<W>) {
    this.watchers = Array.from({ length: grid.cellCount }, () => []);
    this.enter2 = options.enterRadius ** 2;
    this.leave2 = options.leaveRadius ** 2;
    this.reach = Math.ceil(options.enterRadius / grid.cellSize);
  }

  /** Per-cell bookkeeping for a new watcher (its watchIndex and watcherSlot). */
  newIndex(): Int32Array {
    return new Int32Array(this.grid.cellCount).fill(-1);
  }

  /** Everyone watching `cell`. */
  watchersOf(cell: number): readonly W[] {
    return this.watchers[cell];
  }

  /** Starts a newcomer watching the cells it should (every cell with interest off). */
  attach(watcher: W): void {
    if (this.options.enabled) this.sweep(watcher);
    else for (let cell = 0; cell < this.watchers.length; cell++) this.watch(watcher, cell);
  }

  /** The client must be sent its whole picture again (a full state went out): key every watched cell. */
  resync(watcher: W): void {
    watcher.entered.length = 0;
    watcher.dropped.length = 0;
    for (let i = 0; i < watcher.watched.length; i++) watcher.entered.push(watcher.watched[i]);
  }

  /** Stops watching everything (the swimmer left the pond). */
  detach(watcher: W): void {
    while (watcher.watched.length > 0) this.unwatch(watcher, watcher.watched[watcher.watched.length - 1]);
    watcher.entered.length = 0;
    watcher.dropped.length = 0;
  }

  /** Brings the watched cells up to date with where the watcher's tadpole is now. */
  sweep(watcher: W): void {
    if (!this.options.enabled) return;
    const { x, y } = watcher.body;
    const grid = this.grid;
    // Cells to let go of: wholly beyond the leave radius.
    for (let i = watcher.watched.length - 1; i >= 0; i--) {
      const cell = watcher.watched[i];
      if (grid.distance2ToCell(cell, x, y) > this.leave2) this.unwatch(watcher, cell);
    }
    // Cells to take up: any part within the enter radius.
    const centre = grid.cellAt(x, y);
    const cols = grid.cols;
    const cx = centre % cols;
    const cy = (centre - cx) / cols;
    const reach = this.reach;
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(cols - 1, cy + reach); gy++) {
      for (let gx = Math.max(0, cx - reach); gx <= Math.min(cols - 1, cx + reach); gx++) {
        const cell = gy * cols + gx;
        if (watcher.watchIndex[cell] < 0 && grid.distance2ToCell(cell, x, y) <= this.enter2) this.watch(watcher, cell);
      }
    }
  }

  private watch(watcher: W, cell: number): void {
    // Into the watched list in ascending order (the cells after it move up one)...
    const watched = watcher.watched;
    let index = watched.length;
    watched.push(cell);
    while (index > 0 && watched[index - 1] > cell) {
      const moved = watched[index - 1];
      watched[index] = moved;
      watcher.watchIndex[moved] = index;
      index--;
    }
    watched[index] = cell;
    watcher.watchIndex[cell] = index;
    // ...and into the cell's watchers.
    const list = this.watchers[cell];
    watcher.watcherSlot[cell] = list.length;
    list.push(watcher);
    // Left and taken up again between two frames: the client still holds it, and a key block re-states it.
    removeValue(watcher.dropped, cell);
    watcher.entered.push(cell);
  }

  private unwatch(watcher: W, cell: number): void {
    // Out of the watched list, keeping it in order (the cells after it move down one)...
    const watched = watcher.watched;
    for (let i = watcher.watchIndex[cell]; i < watched.length - 1; i++) {
      const moved = watched[i + 1];
      watched[i] = moved;
      watcher.watchIndex[moved] = i;
    }
    watched.pop();
    watcher.watchIndex[cell] = -1;
    // ...and out of the cell's watchers.
    const list = this.watchers[cell];
    const slot = watcher.watcherSlot[cell];
    const lastWatcher = list.pop()!;
    if (lastWatcher !== watcher) {
      list[slot] = lastWatcher;
      lastWatcher.watcherSlot[cell] = slot;
    }
    // A cell taken up and let go of between two frames never reached the client.
    if (!removeValue(watcher.entered, cell)) watcher.dropped.push(cell);
  }
}

/** Removes one `value` from an unordered list; whether it was there. */
function removeValue(list: number[], value: number): boolean {
  const i = list.indexOf(value);
  if (i < 0) return false;
  list[i] = list[list.length - 1];
  list.pop();
  return true;
}
