import type { Steer } from "../../shared/input.ts";
import type { HeldSpeck } from "../../shared/stream/food.ts";

/** A bot goes for a speck within this distance (units), about half a screen. */
const RANGE = 260;
/** Looks for a new speck at most this often (ms): a scan walks every speck the bot holds. */
const LOOK_EVERY_MS = 250;
/** Within this distance it eases off, so it does not circle a speck it turns too slowly to hit. */
const EASE = 70;

/**
 * A bot's appetite: when a speck of food it knows of is near, it swims for the nearest one until
 * it is eaten (by it or anyone) or left behind, then lets its wander steer again. The server
 * decides the eat, as for a player.
 */
export class Forage {
  private target = -1;
  private nextLook = 0;

  /** Writes a steer toward the chosen speck into `out` and returns true, or false when there is none. */
  update(now: number, x: number, y: number, food: ReadonlyMap<number, HeldSpeck>, out: Steer): boolean {
    let speck = this.target >= 0 ? food.get(this.target) : undefined;
    if (speck !== undefined && Math.hypot(speck.x - x, speck.y - y) > RANGE * 1.5) speck = undefined;
    if (speck === undefined) {
      this.target = -1;
      if (now < this.nextLook) return false;
      this.nextLook = now + LOOK_EVERY_MS;
      let best = RANGE * RANGE;
      for (const candidate of food.values()) {
        const d2 = (candidate.x - x) ** 2 + (candidate.y - y) ** 2;
        if (d2 < best) {
          best = d2;
          speck = candidate;
        }
      }
      if (speck === undefined) return false;
      this.target = speck.id;
    }
    const dx = speck.x - x;
    const dy = speck.y - y;
    const d = Math.hypot(dx, dy);
    out.angle = Math.atan2(dy, dx);
    out.thrust = Math.min(1, Math.max(0.3, d / EASE));
    return true;
  }
}
