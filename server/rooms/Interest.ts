import type { StateView } from "@colyseus/schema";
import { WORLD_HALF } from "../../shared/constants.ts";
import type { Tadpole } from "../../shared/state.ts";

/** A tadpole as the interest manager sees it: where it is, and what its owner may see. */
export interface Viewer {
  readonly tadpole: Tadpole;
  /** The owner's state view (undefined while it has none, e.g. before its join completes). */
  view: StateView | undefined;
  /** Tadpoles currently in `view`, with the sweep stamp at which each was last found in range. */
  readonly visible: Map<Viewer, number>;
  /** Grid bookkeeping, owned by Interest. */
  cell: number;
  slot: number;
  gone: boolean;
}

export interface InterestOptions {
  /** A tadpole enters a client's view inside this radius... */
  enterRadius: number;
  /** ...and leaves it only beyond this one, so one on the edge does not flicker in and out. */
  leaveRadius: number;
  /** False sends everyone to everyone (the comparison baseline of the benchmark). */
  enabled: boolean;
}

/**
 * Interest management: each client's StateView holds the tadpoles near its own, found through
 * a uniform grid whose cells are as wide as the leave radius (so a 3×3 block covers it).
 * Sweeps allocate nothing: cells are arrays with swap-remove, and the visible sets are walked
 * with a callback bound once.
 */
export class Interest {
  private readonly cellSize: number;
  private readonly cols: number;
  private readonly cells: Viewer[][];
  private readonly enter2: number;
  private readonly leave2: number;
  private stamp = 0;
  /** Interest off: every viewer, so a join costs O(N) once instead of every sweep costing O(N). */
  private readonly everyone = new Set<Viewer>();
  // Sweep context for the bound callback below (avoids a closure per viewer per sweep).
  private sweeping: Viewer | undefined;

  constructor(private readonly options: InterestOptions) {
    this.cellSize = options.leaveRadius;
    this.cols = Math.ceil((2 * WORLD_HALF) / this.cellSize) + 1;
    this.cells = Array.from({ length: this.cols * this.cols }, () => []);
    this.enter2 = options.enterRadius ** 2;
    this.leave2 = options.leaveRadius ** 2;
  }

  add(viewer: Viewer): void {
    viewer.gone = false;
    this.place(viewer, this.cellOf(viewer.tadpole));
    if (!this.options.enabled) {
      this.everyone.add(viewer);
      // Everyone sees the newcomer at once; the newcomer's own view fills on its first sweep.
      for (const other of this.everyone) {
        if (other !== viewer && other.view !== undefined) this.see(other, other.view, viewer, 0);
      }
    }
  }

  /** Forgets a viewer; others drop it from their sets on their next sweep. */
  remove(viewer: Viewer): void {
    this.unplace(viewer);
    viewer.gone = true;
    viewer.visible.clear();
    if (!this.options.enabled) {
      this.everyone.delete(viewer);
      // (the state deletion already took it out of every view)
      for (const other of this.everyone) other.visible.delete(viewer);
    }
  }

  /** Moves viewers between cells after the simulation step. */
  relocate(viewer: Viewer): void {
    const cell = this.cellOf(viewer.tadpole);
    if (cell !== viewer.cell) {
      this.unplace(viewer);
      this.place(viewer, cell);
    }
  }

  /** Brings one viewer's StateView up to date with who is near it now. */
  sweep(viewer: Viewer): void {
    const view = viewer.view;
    if (view === undefined) return;
    const stamp = ++this.stamp;
    const { x, y } = viewer.tadpole;
    if (!this.options.enabled) {
      // Only a new or reconnected viewer lacks anyone: fill it once (O(N)), then nothing to do.
      if (viewer.visible.size < this.everyone.size) {
        for (const other of this.everyone) if (!viewer.visible.has(other)) this.see(viewer, view, other, stamp);
      }
      return;
    }
    const cx = viewer.cell % this.cols;
    const cy = (viewer.cell - cx) / this.cols;
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      if (gy < 0 || gy >= this.cols) continue;
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        if (gx < 0 || gx >= this.cols) continue;
        const cell = this.cells[gy * this.cols + gx];
        for (let i = 0; i < cell.length; i++) {
          const other = cell[i];
          const dx = other.tadpole.x - x;
          const dy = other.tadpole.y - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= this.enter2 || (d2 <= this.leave2 && viewer.visible.has(other))) this.see(viewer, view, other, stamp);
        }
      }
    }
    this.sweeping = viewer;
    viewer.visible.forEach(this.forgetUnseen);
    this.sweeping = undefined;
  }

  private see(viewer: Viewer, view: StateView, other: Viewer, stamp: number): void {
    if (!viewer.visible.has(other)) view.add(other.tadpole);
    viewer.visible.set(other, stamp);
  }

  private readonly forgetUnseen = (stamp: number, other: Viewer): void => {
    const viewer = this.sweeping!;
    if (stamp === this.stamp) return;
    // A tadpole that left the pond was deleted from the state, which removes it from views.
    if (!other.gone) viewer.view!.remove(other.tadpole);
    viewer.visible.delete(other);
  };

  private cellOf(t: Tadpole): number {
    const last = this.cols - 1;
    let gx = Math.floor((t.x + WORLD_HALF) / this.cellSize);
    let gy = Math.floor((t.y + WORLD_HALF) / this.cellSize);
    gx = gx < 0 ? 0 : gx > last ? last : gx;
    gy = gy < 0 ? 0 : gy > last ? last : gy;
    return gy * this.cols + gx;
  }

  private place(viewer: Viewer, cell: number): void {
    const list = this.cells[cell];
    viewer.cell = cell;
    viewer.slot = list.length;
    list.push(viewer);
  }

  private unplace(viewer: Viewer): void {
    const list = this.cells[viewer.cell];
    const last = list.pop()!;
    if (last !== viewer) {
      list[viewer.slot] = last;
      last.slot = viewer.slot;
    }
  }
}
