import type { PondProbe } from "../../helpers/pondClient.ts";
import { waitFor } from "../../../kit/waitFor.ts";

export interface Point {
  x: number;
  y: number;
}

export function distance(p: Point, q: Point): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

/** Full thrust far away, easing off near the target so the tadpole coasts to a stop on it. */
const EASE_DISTANCE = 150;
/** Inside this, no thrust: drag stops the tadpole within a few units. */
const STOP_DISTANCE = 6;

/**
 * Steers `probe`'s tadpole toward `target` with real inputs (the server is authoritative: a test
 * can only place a tadpole by swimming it there). The steer is recomputed from the tadpole's
 * decoded position on every patch, and the probe keeps sending it every frame; with `ease: false`
 * it swims at a constant `thrust` (default full) and does not slow down near the target. Returns
 * a function that stops steering toward this target (the probe keeps driving with zero thrust).
 */
export function steerTo(probe: PondProbe, target: Point, options: { ease?: boolean; thrust?: number } = {}): () => void {
  const ease = options.ease ?? true;
  const cruise = options.thrust ?? 1;
  const update = () => {
    const self = probe.conn.self;
    if (!self) return;
    const d = distance(self, target);
    probe.steer.angle = Math.atan2(target.y - self.y, target.x - self.x);
    probe.steer.thrust = !ease ? cruise : d < STOP_DISTANCE ? 0 : Math.min(1, d / EASE_DISTANCE);
  };
  probe.drive();
  update();
  probe.room.onStateChange(update);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    // (the SDK's signal remove() is not idempotent: it must run exactly once)
    probe.room.onStateChange.remove(update);
    probe.steer.thrust = 0;
  };
}

/** Below this speed a parked tadpole drifts at most a few units further (drag 1.6/s). */
const SLOW_SPEED = 15;

/**
 * Swims `probe` to `target` and waits until it is near it and slow (as the server says, via
 * `serverPosition`), within `timeoutMs`; with `still`, until it has stopped dead (speed 0), so
 * its position no longer changes.
 */
export async function park(
  probe: PondProbe,
  target: Point,
  serverPosition: () => (Point & { speed: number }) | undefined,
  options: { tolerance?: number; timeoutMs?: number; still?: boolean } = {},
): Promise<void> {
  const tolerance = options.tolerance ?? 25;
  const slowEnough = (speed: number) => (options.still ? speed === 0 : speed < SLOW_SPEED);
  const stop = steerTo(probe, target);
  try {
    await waitFor(() => {
      const p = serverPosition();
      return p !== undefined && slowEnough(p.speed) && distance(p, target) <= tolerance;
    }, {
      timeoutMs: options.timeoutMs ?? 12_000,
      intervalMs: 20,
      message: `${probe.id} to park at (${target.x}, ${target.y})`,
      describe: () => serverPosition(),
    });
  } finally {
    stop();
  }
}
