import type { Body } from "../../../shared/state.ts";
import type { PondProbe } from "../../helpers/pondClient.ts";
import type { InProcessPond } from "../../helpers/pondServer.ts";
import { park, type Point } from "./swim.ts";

/** The server side of an interest test: where the simulation has each probe's tadpole. */
export class ServerSide {
  constructor(private readonly pond: () => InProcessPond) {}

  /** Where the server has session `id`'s tadpole now (its simulation body, updated in place). */
  body(probe: PondProbe, id = probe.id): Readonly<Body> | undefined {
    return this.pond().room(probe.room.roomId).bodyOf(id);
  }

  /** A copy of the server's position of `id`. */
  at(probe: PondProbe, id = probe.id): Point {
    const body = this.body(probe, id)!;
    return { x: body.x, y: body.y };
  }

  /** Swims there and waits until it is near and slow (or, with `still`, stopped dead). */
  parkAt(probe: PondProbe, target: Point, still = false, timeoutMs?: number): Promise<void> {
    return park(probe, target, () => this.body(probe), { still, timeoutMs });
  }
}
