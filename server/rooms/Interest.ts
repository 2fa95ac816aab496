import type { StateView } from "@colyseus/schema";
import type { Tadpole } from "../../shared/state.ts";
import type { SimSwimmer } from "../sim/PondSim.ts";
import type { SpatialGrid } from "../sim/SpatialGrid.ts";

/** A swimmer as the interest manager sees it: its tadpole, and what its owner may see. */
export interface Viewer extends SimSwimmer {
  readonly tadpole: Tadpole;
  /** The owner's state view (undefined while it has none, e.g. before its join completes). */
  view: StateView | undefined;
  /** Tadpoles currently in `view`, with the sweep stamp at which each was last found in range. */
  readonly visible: Map<Viewer, number>;
  /** Set once it left the pond. */
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
 * the simulation's spatial grid. Sweeps allocate nothing: the visible sets are walked, and the
 * grid queried, with callbacks bound once.
 */
export class Interest<V extends Viewer = Viewer> {
  private readonly enter2: number;
  private stamp = 0;
  /** Interest off: every viewer, so a join costs O(N) once instead of every sweep costing O(N). */
  private readonly everyone = new Set<V>();
  // Sweep context for the bound callbacks below (avoids a closure per viewer per sweep).
  private sweeping: V | undefined;

  constructor(private readonly options: InterestOptions, private readonly grid: SpatialGrid<V>) {
    this.enter2 = options.enterRadius ** 2;
  }

  add(viewer: V): void {
    viewer.gone = false;
    if (!this.options.enabled) {
      this.everyone.add(viewer);
      // Everyone sees the newcomer at once; the newcomer's own view fills on its first sweep.
      for (const other of this.everyone) {
        if (other !== viewer && other.view !== undefined) this.see(other, other.view, viewer, 0);
      }
    }
  }

  /** Forgets a viewer; others drop it from their sets on their next sweep. */
  remove(viewer: V): void {
    viewer.gone = true;
    viewer.visible.clear();
    if (!this.options.enabled) {
      this.everyone.delete(viewer);
      // (the state deletion already took it out of every view)
      for (const other of this.everyone) other.visible.delete(viewer);
    }
  }

  /** Brings one viewer's StateView up to date with who is near it now. */
  sweep(viewer: V): void {
    const view = viewer.view;
    if (view === undefined) return;
    const stamp = ++this.stamp;
    const { x, y } = viewer.body;
    if (!this.options.enabled) {
      // Only a new or reconnected viewer lacks anyone: fill it once (O(N)), then nothing to do.
      if (viewer.visible.size < this.everyone.size) {
        for (const other of this.everyone) if (!viewer.visible.has(other)) this.see(viewer, view, other, stamp);
      }
      return;
    }
    this.sweeping = viewer;
    this.grid.forEachNear(x, y, this.options.leaveRadius, this.consider);
    viewer.visible.forEach(this.forgetUnseen);
    this.sweeping = undefined;
  }

  /** One tadpole within the leave radius of the viewer being swept: in view if inside the enter radius, or already in view. */
  private readonly consider = (other: V): void => {
    const viewer = this.sweeping!;
    const dx = other.body.x - viewer.body.x;
    const dy = other.body.y - viewer.body.y;
    if (dx * dx + dy * dy <= this.enter2 || viewer.visible.has(other)) this.see(viewer, viewer.view!, other, this.stamp);
  };

  private see(viewer: V, view: StateView, other: V, stamp: number): void {
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
}
