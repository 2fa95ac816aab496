import { CELLS_PER_VIEW_RADIUS, LEAVE_FACTOR } from "../../../server/sim/Pond.ts";
import { SpatialGrid, type Placed } from "../../../server/sim/SpatialGrid.ts";
import { WORLD_HALF } from "../../../shared/constants.ts";
import type { Point } from "./swim.ts";

/**
 * The interest rule, restated from its geometry so tests can compute what a client must and
 * must not hold from the server's positions alone. The pond is cut into square cells (the view
 * radius / CELLS_PER_VIEW_RADIUS wide) on the grid of server/sim/SpatialGrid.ts, from -WORLD_HALF
 * to WORLD_HALF. A client takes up a cell when any point of it comes within the view radius of
 * its tadpole, and lets go of it only when all of it is beyond LEAVE_FACTOR × the view radius
 * (hysteresis); it holds exactly the tadpoles filed in the cells it watches. (The two factors
 * are the server's tuning, so they come from server/sim/Pond.ts; the rule itself is restated.)
 *
 * So, for a client whose tadpole has been sitting still (every sweep has seen where it is):
 * - a tadpole whose cell has a point within the view radius is held (`mustSee`);
 * - a tadpole whose cell is wholly beyond the leave radius is not (`mustNotSee`);
 * - in between, either is right, depending on where the client has been.
 * By distance alone: everything within the view radius is held, and nothing farther than the
 * leave radius plus a cell's diagonal (`neverBeyond`) ever is.
 */
export class CellRule {
  readonly cellSize: number;
  readonly enter: number;
  readonly leave: number;
  /** No tadpole farther than this from a client's own is ever in its view. */
  readonly neverBeyond: number;
  private readonly grid: SpatialGrid<Placed>;

  constructor(viewRadius: number) {
    // (The server floors the width at 50 units, for radii below any it is run with.)
    this.cellSize = Math.max(50, viewRadius / CELLS_PER_VIEW_RADIUS);
    this.enter = viewRadius;
    this.leave = viewRadius * LEAVE_FACTOR;
    this.neverBeyond = this.leave + this.cellSize * Math.SQRT2;
    this.grid = new SpatialGrid<Placed>(this.cellSize);
  }

  /** The cell a point is filed in. */
  cellOf(p: Point): number {
    return this.grid.cellAt(p.x, p.y);
  }

  /**
   * The centre of the cell that holds `p`: a tadpole parked within a quarter cell of it stays in
   * that cell, and one swimming along `y = centreOf(...).y` stays in that row of cells.
   */
  centreOf(p: Point): Point {
    const cell = this.cellOf(p);
    const cols = this.grid.cols;
    const gx = cell % cols;
    const gy = (cell - gx) / cols;
    return { x: (gx + 0.5) * this.cellSize - WORLD_HALF, y: (gy + 0.5) * this.cellSize - WORLD_HALF };
  }

  /** Distance from `viewer` to the nearest point of the cell that holds `other` (0 inside it). */
  cellDistance(viewer: Point, other: Point): number {
    return Math.sqrt(this.grid.distance2ToCell(this.cellOf(other), viewer.x, viewer.y));
  }

  /** Distance from `viewer` to the nearest point of `cell`. */
  distanceToCell(viewer: Point, cell: number): number {
    return Math.sqrt(this.grid.distance2ToCell(cell, viewer.x, viewer.y));
  }

  /** A client at `viewer` (sitting still) must hold a tadpole at `other`. */
  mustSee(viewer: Point, other: Point): boolean {
    return this.cellDistance(viewer, other) <= this.enter;
  }

  /** A client at `viewer` must not hold a tadpole at `other`. */
  mustNotSee(viewer: Point, other: Point): boolean {
    return this.cellDistance(viewer, other) > this.leave;
  }
}
