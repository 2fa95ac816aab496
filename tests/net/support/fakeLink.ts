import { RemoteView, type LinkClock, type RemoteBody, type RemoteViewOptions } from "../../../client/net/remote.ts";
import { PositionStreamDecoder, PositionStreamEncoder, StreamFrameWriter } from "../../../shared/stream/index.ts";

/** The stream id and cell of the one remote tadpole (a one-cell pond the client watches). */
const REMOTE_ID = 7;
const CELL = 0;

/**
 * How remote positions reach the client: through the position stream (the server's encoder, one
 * frame per patch, the client's decoder: the decoded entity is the body, with the stream's wire
 * units), or written straight into one plain object per tadpole before the patch is announced
 * (exact values).
 */
export type BodySource = "stream" | "plain";

export interface FakeLinkOptions extends RemoteViewOptions {
  bodies?: BodySource;
}

/**
 * A remote tadpole's authoritative state on a "server", delivered to the client whenever we
 * say, with the client's RemoteView (the production code) drawing it. Time is entirely ours:
 * server stamps, arrival times and frame times are arguments. Patches must be delivered in
 * order and none lost (the stream is continuous, as TCP delivers it).
 */
export class FakeLink implements LinkClock {
  readonly view: RemoteView;
  readonly bodies: BodySource;
  /** The server's true state of the remote tadpole: set it before each patch. */
  readonly serverTadpole: RemoteBody = { x: 0, y: 0, angle: 0, speed: 0 };
  clientTadpole!: RemoteBody;
  private readonly encoder = new PositionStreamEncoder(1);
  private readonly writer = new StreamFrameWriter();
  readonly decoder = new PositionStreamDecoder();
  private newest = 0;
  jitterMs = 0;

  constructor(options: FakeLinkOptions = {}) {
    const { bodies = "stream", ...view } = options;
    this.bodies = bodies;
    this.view = new RemoteView(this, view);
    this.encoder.add(REMOTE_ID, CELL, this.serverTadpole);
  }

  lastServerTime(): number { return this.newest; }
  patchInterval(): number { return 50; }
  jitter(): number { return this.jitterMs; }

  /** The server state at `serverTime`, received by the client at `arrivedAt` (local clock). */
  patch(serverTime: number, arrivedAt: number): void {
    this.newest = serverTime;           // the SDK reads the TIMED prefix before the state
    if (this.bodies === "stream") {
      // One tick of the server's encoder, and this client's frame of it: a key block the first
      // time (the client starts watching the cell), the cell's delta block after that.
      this.encoder.encodeTick();
      this.writer.begin(null);
      if (this.clientTadpole === undefined) this.writer.key(CELL, this.encoder.key(CELL));
      else {
        const delta = this.encoder.delta(CELL);
        if (delta !== null) this.writer.delta(CELL, delta);
      }
      const frame = this.writer.finish();
      if (!this.decoder.decode(frame, 0, frame.length)) throw new Error("the stream frame did not decode");
      this.clientTadpole ??= this.decoder.entities.get(REMOTE_ID)!;
    } else {
      const s = this.serverTadpole;
      this.clientTadpole ??= { x: 0, y: 0, angle: 0, speed: 0 };
      const b = this.clientTadpole;
      b.x = s.x; b.y = s.y; b.angle = s.angle; b.speed = s.speed;
    }
    // As onAdd does: the body appears during the decode, before the patch is announced.
    if (!this.view.has(this.clientTadpole)) this.view.add(this.clientTadpole);
    this.view.onPatch(arrivedAt);
  }

  /** One client frame at local time `now`: the pose drawn. */
  frame(now: number, out = { x: 0, y: 0, angle: 0, speed: 0 }) {
    this.view.frame(now, now);
    return this.view.pose(this.clientTadpole, out);
  }
}
