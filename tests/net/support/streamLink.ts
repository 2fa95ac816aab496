import { RemoteView, type LinkClock, type RemoteBody, type RemotePose, type RemoteViewOptions } from "../../../client/net/remote.ts";

/**
 * Remote tadpoles as the position stream delivers them: one plain object per tadpole, written
 * in place just before each patch is announced, and a RemoteView drawing them. Time is ours.
 */
export class StreamLink implements LinkClock {
  readonly view: RemoteView;
  readonly bodies = new Map<string, RemoteBody>();
  private newest = 0;

  constructor(options: RemoteViewOptions = {}) {
    this.view = new RemoteView(this, options);
  }

  lastServerTime(): number { return this.newest; }
  patchInterval(): number { return 50; }
  jitter(): number { return 0; }

  /** A tadpole comes into view with these values (between patches: before the next one). */
  add(id: string, values: RemoteBody): RemoteBody {
    const body = { ...values };
    this.bodies.set(id, body);
    this.view.add(body);
    return body;
  }

  /** The patch stamped `serverTime` arrives at `arrivedAt`, carrying `values` for some tadpoles. */
  patch(serverTime: number, arrivedAt: number, values: Record<string, Partial<RemoteBody>> = {}): void {
    this.newest = serverTime;
    for (const id in values) Object.assign(this.bodies.get(id)!, values[id]);
    this.view.onPatch(arrivedAt);
  }

  /** One frame at local time `now` (then read poses). */
  frame(now: number): void {
    this.view.frame(now, now);
  }

  /** Where tadpole `id` is drawn this frame. */
  pose(id: string, out: RemotePose = { x: 0, y: 0, angle: 0, speed: 0 }): RemotePose {
    return this.view.pose(this.bodies.get(id)!, out);
  }
}
