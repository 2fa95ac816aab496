import { Decoder, Encoder, schema, t } from "@colyseus/schema";
import { Predict } from "@colyseus/sdk/predict";
import { RemoteView, type LinkClock, type RemoteViewOptions } from "../../../client/net/remote.ts";
import { Tadpole } from "../../../shared/state.ts";

/** The pond's shape without per-client views, so one encoder can feed one decoder. */
const TestPond = schema({ tadpoles: t.map(Tadpole) }, "TestPond");
type TestPond = InstanceType<typeof TestPond>;

/**
 * A remote tadpole's authoritative state on a "server", patched to a client decoder whenever we
 * say, with the client's RemoteView (the production code, bound to a real SDK Predict) drawing it.
 * Time is entirely ours: server stamps, arrival times and frame times are arguments.
 */
export class FakeLink implements LinkClock {
  readonly server = new TestPond();
  readonly client = new TestPond();
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly view: RemoteView;
  readonly predict: Predict<any>;
  readonly serverTadpole = new Tadpole();
  clientTadpole!: Tadpole;
  private newest = 0;
  jitterMs = 0;

  constructor(options: RemoteViewOptions = {}) {
    this.encoder = new Encoder(this.server as never);
    this.decoder = new Decoder(this.client as never);
    this.view = new RemoteView(this, options);
    this.predict = Predict.get({ serializer: { decoder: this.decoder } } as { serializer: { decoder: Decoder } }, { mode: "lerp", delay: 0, clock: this.view.clock });
    this.view.bind(this.predict);
    this.server.tadpoles.set("remote", this.serverTadpole);
  }

  lastServerTime(): number { return this.newest; }
  patchInterval(): number { return 50; }
  jitter(): number { return this.jitterMs; }
  rtt(): number { return 0; }

  /** The server state at `serverTime`, received by the client at `arrivedAt` (local clock). */
  patch(serverTime: number, arrivedAt: number): void {
    const bytes = this.newest === 0 ? this.encoder.encodeAll() : this.encoder.encode();
    this.encoder.discardChanges();
    this.newest = serverTime;           // the SDK reads the TIMED prefix before the state
    this.decoder.decode(bytes);
    if (!this.clientTadpole) {
      this.clientTadpole = this.client.tadpoles.get("remote")!;
      this.view.add(this.clientTadpole);
    }
    this.view.onPatch(arrivedAt);
  }

  /** One client frame at local time `now`: the pose drawn. */
  frame(now: number, out = { x: 0, y: 0, angle: 0, speed: 0 }) {
    this.predict.tick(now);
    this.view.frame(now, now);
    return this.view.pose(this.clientTadpole, out);
  }
}
