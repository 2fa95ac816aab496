import { WORLD_HALF } from "../../shared/constants.ts";

/** Anything with a position that a grid can index: the grid owns `cell` and `slot`. */
export interface Placed {
  readonly body: { readonly x: number; readonly y: number };
  /** Index of the cell it is filed under (owned by the grid; -1 while not placed). */
  cell: number;
  /** Its index in that cell's list (owned by the grid). */
  slot: number;
}

/**
 * A uniform grid over the pond for positioned things (tadpoles now, food later): each cell is a
 * plain array with swap-remove, so filing, moving and removing allocate nothing, and a query
 * walks only the cells that can hold an answer.
 */
export class SpatialGrid<T extends Placed> {
  readonly cols: number;
  readonly cells: T[][];

  constructor(readonly cellSize: number) {
    this.cols = Math.ceil((2 * WORLD_HALF) / cellSize) + 1;
    this.cells = Array.from({ length: this.cols * this.cols }, () => []);
  }

  get cellCount(): number {
    return this.cells.length;
  }

  /** The cell a point falls in (points outside the pond go to the edge cells). */
  cellAt(x: number, y: number): number {
    const last = this.cols - 1;
    let gx = Math.floor((x + WORLD_HALF) / this.cellSize);
    let gy = Math.floor((y + WORLD_HALF) / this.cellSize);
    gx = gx < 0 ? 0 : gx > last ? last : gx;
    gy = gy < 0 ? 0 : gy > last ? last : gy;
    return gy * this.cols + gx;
  }

  insert(item: T): void {
    this.place(item, this.cellAt(item.body.x, item.body.y));
  }

  remove(item: T): void {
    if (item.cell < 0) return;
    const list = this.cells[item.cell];
    const last = list.pop()!;
    if (last !== item) {
      list[item.slot] = last;
      last.slot = item.slot;
    }
    item.cell = -1;
  }

  /** Re-files `item` after it moved; returns the cell it left, or -1 if it stayed. */
  update(item: T): number {
    const cell = this.cellAt(item.body.x, item.body.y);
    const from = item.cell;
    if (cell === from) return -1;
    this.remove(item);
    this.place(item, cell);
    return from;
  }

  /** Shortest distance² from (x, y) to any point of `cell` (0 inside it). */
  distance2ToCell(cell: number, x: number, y: number): number {
    const gx = cell % this.cols;
    const gy = (cell - gx) / this.cols;
    const left = gx * this.cellSize - WORLD_HALF;
    const top = gy * this.cellSize - WORLD_HALF;
    const dx = x < left ? left - x : x > left + this.cellSize ? x - left - this.cellSize : 0;
    const dy = y < top ? top - y : y > top + this.cellSize ? y - top - this.cellSize : 0;
    return dx * dx + dy * dy;
  }

  /** Calls `visit` for every item within `radius` of (x, y), walking only the cells the circle's box overlaps. */
  forEachNear(x: number, y: number, radius: number, visit: (item: T) => void): void {
    const r2 = radius * radius;
    const last = this.cols - 1;
    const size = this.cellSize;
    const gx0 = clampIndex(Math.floor((x - radius + WORLD_HALF) / size), last);
    const gx1 = clampIndex(Math.floor((x + radius + WORLD_HALF) / size), last);
    const gy0 = clampIndex(Math.floor((y - radius + WORLD_HALF) / size), last);
    const gy1 = clampIndex(Math.floor((y + radius + WORLD_HALF) / size), last);
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        const list = this.cells[gy * this.cols + gx];
        for (let i = 0; i < list.length; i++) {
          const item = list[i];
          const dx = item.body.x - x;
          const dy = item.body.y - y;
          if (dx * dx + dy * dy <= r2) visit(item);
        }
      }
    }
  }

  private place(item: T, cell: number): void {
    const list = this.cells[cell];
    item.cell = cell;
    item.slot = list.length;
    list.push(item);
  }
}

function clampIndex(i: number, last: number): number {
  return i < 0 ? 0 : i > last ? last : i;
}
