import { Decoder, Encoder, schema, t } from "@colyseus/schema";
import { RemoteView, type LinkClock, type RemoteBody, type RemoteViewOptions } from "../../../client/net/remote.ts";
import { Tadpole } from "../../../shared/state.ts";

/** The pond's shape without per-client views, so one encoder can feed one decoder. */
const TestPond = schema({ tadpoles: t.map(Tadpole) }, "TestPond");
type TestPond = InstanceType<typeof TestPond>;

/**
 * How remote positions reach the client: through the schema (encoder → decoder, the decoded
 * Tadpole is the body), or written straight into one plain object per tadpole before the patch
 * is announced (the compact position stream's way).
 */
export type BodySource = "schema" | "plain";

export interface FakeLinkOptions extends RemoteViewOptions {
  bodies?: BodySource;
}

/**
 * A remote tadpole's authoritative state on a "server", delivered to the client whenever we
 * say, with the client's RemoteView (the production code) drawing it. Time is entirely ours:
 * server stamps, arrival times and frame times are arguments.
 */
export class FakeLink implements LinkClock {
  readonly server = new TestPond();
  readonly client = new TestPond();
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly view: RemoteView;
  readonly bodies: BodySource;
  readonly serverTadpole = new Tadpole();
  clientTadpole!: RemoteBody;
  private newest = 0;
  jitterMs = 0;

  constructor(options: FakeLinkOptions = {}) {
    const { bodies = "schema", ...view } = options;
    this.bodies = bodies;
    this.encoder = new Encoder(this.server as never);
    this.decoder = new Decoder(this.client as never);
    this.view = new RemoteView(this, view);
    this.server.tadpoles.set("remote", this.serverTadpole);
  }

  lastServerTime(): number { return this.newest; }
  patchInterval(): number { return 50; }
  jitter(): number { return this.jitterMs; }

  /** The server state at `serverTime`, received by the client at `arrivedAt` (local clock). */
  patch(serverTime: number, arrivedAt: number): void {
    this.newest = serverTime;           // the SDK reads the TIMED prefix before the state
    if (this.bodies === "schema") {
      const bytes = this.clientTadpole === undefined ? this.encoder.encodeAll() : this.encoder.encode();
      this.encoder.discardChanges();
      this.decoder.decode(bytes);
      this.clientTadpole ??= this.client.tadpoles.get("remote")!;
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
