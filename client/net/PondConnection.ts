import { Callbacks, type InputHandle, type Room } from "@colyseus/sdk";
import { Predict, type Reconciler } from "@colyseus/sdk/predict";
import { TadpoleInput, type Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { copyPose, type Pose } from "../../shared/pose.ts";
import { MessageType, POND_SERIALIZER_ID, type ChatBroadcast, type Notice } from "../../shared/protocol.ts";
import { OwnBody, type PondState, type Tadpole } from "../../shared/state.ts";
import type { PositionStreamDecoder } from "../../shared/stream/decoder.ts";
import { attachNetSim, netSimFromQuery, type NetSim, type NetSimOptions } from "./netsim.ts";
import { countIncomingBytes, HookedClient } from "./sdkHooks.ts";
import { OwnView } from "./own.ts";
import { RadarView } from "./radar.ts";
import { RateMeter } from "./rates.ts";
import { SendPhase } from "./sendPhase.ts";
import { RemoteView, type RemoteViewOptions } from "./remote.ts";
import { PondStreamSerializer } from "./streamSerializer.ts";
import { CORRECTION_EPSILON, OWN_SMOOTH_MS, PING_EVERY_MS, PREDICTED_RING, RTT_GAIN, SNAP_UNITS } from "./tuning.ts";
import { Roster, type PondTadpole } from "./tadpoles.ts";

export type { PondTadpole } from "./tadpoles.ts";

/** Where to draw a tadpole this frame: the shared pose (re-exported for bots and benches). */
export type { Pose } from "../../shared/pose.ts";

export interface JoinOptions {
  /** Server endpoint, e.g. `ws://localhost:2567` or `http://localhost:2567`. */
  url: string;
  name?: string;
  /** Join this pond (joinById) instead of letting the matchmaker pick one (joinOrCreate). */
  roomId?: string;
  /** The one-time token the last pond sent before it shut down: brings our size along (docs/protocol.md). */
  carry?: string;
  /**
   * A fixed render delay for other tadpoles, ms. Leave unset for the adaptive delay: two patch
   * intervals on a clean link, more as patch arrival jitter grows (see docs/netcode.md).
   */
  interpolationDelayMs?: number;
  /** Simulate a worse network on this connection (latency, jitter, loss per direction). */
  netsim?: NetSimOptions;
  /** The same, from a query string like `?lag=150&jitter=30&loss=0.05` (see netSimFromQuery). `netsim` wins. */
  netsimQuery?: string;
  /** Tuning of remote interpolation (extrapolation cap, correction time, teleport threshold...). */
  remote?: Omit<RemoteViewOptions, "fixedDelayMs">;
}

export interface PondEvents {
  /** A tadpole came into view (or ours appeared): draw it from now on. `id` is its session id. */
  onAdd?(id: string, tadpole: PondTadpole): void;
  onRemove?(id: string, tadpole: PondTadpole): void;
  onChat?(line: ChatBroadcast): void;
  onNotice?(notice: Notice): void;
  /** Our own tadpole's name as the server holds it: once it is in the state, then at each change (a rename's echo, the server's numbering). */
  onOwnName?(name: string): void;
  /** The connection ended: its close code, and the reason the server gave, if any. */
  onLeave?(code: number, reason?: string): void;
}

/** Link quality, as `stats()` reports it. */
export interface NetStats {
  /** Network round trip, ms: a ping answered by the server at once, smoothed. NaN until the first answer. */
  rttMs: number;
  /**
   * Input → ack, ms: the SDK's smoothed time from sending an input to the patch that says the
   * server consumed it: the round trip plus the wait for the server's tick and its input cushion.
   * NaN until the first ack.
   */
  inputAckMs: number;
  /** The same as `inputAckMs` (its name in the first version of these stats). */
  pingMs: number;
  /** Patch interarrival jitter, ms (RFC 3550 estimator, from the SDK clock). */
  jitterMs: number;
  /** State patches received per second (2 s sliding window). */
  patchesPerSecond: number;
  /** Bytes of WebSocket frames received per second (2 s sliding window). */
  bytesPerSecondDown: number;
  /** Reconciles per second that had to move our predicted tadpole (2 s sliding window). */
  correctionsPerSecond: number;
  /** How far behind the freshest data other tadpoles are drawn, ms (adaptive). */
  interpolationDelayMs: number;
}

// Kept importable from here, where bots and benches have read them.
export { CORRECTION_EPSILON, OWN_SMOOTH_MS, SNAP_UNITS } from "./tuning.ts";

/**
 * The game's network layer, free of any renderer so the browser, bots and tests share it.
 * It joins a pond, sends one steering input per server tick through the SDK's input channel,
 * predicts our own tadpole with the SDK's reconciler stepping the shared movement function, and
 * interpolates everyone else from its own per-tadpole samples on an adaptive render timeline (RemoteView).
 * See docs/netcode.md.
 *
 * Per frame: `frame(now, steer)` first (it reconciles and sends the inputs due), then read
 * `pose()` for each tadpole you draw, and `stats()` if you show them.
 */
export class PondConnection {
  readonly predict: Predict<PondState>;
  readonly input: InputHandle<TadpoleInput>;
  /** Remote interpolation (render timeline, extrapolation). */
  readonly remote: RemoteView;
  /** The network simulator on this connection, if one was asked for. */
  readonly netsim: NetSim | undefined;
  /**
   * Instrumentation: called when the server acknowledges input `seq`, with the distance between
   * where we predicted our tadpole after that input and where the server put it (0 when exact).
   */
  onAck: ((seq: number, error: number) => void) | undefined;

  /** The position stream's decoder (inside the room's serializer). */
  readonly stream: PositionStreamDecoder;
  /** Where everyone in the pond is, coarsely, once a second; and who of them we do not otherwise see (client/net/radar.ts). */
  readonly radar = new RadarView();
  private readonly roster: Roster;
  /** Our tadpole's exact authoritative body, filled from the stream: what the reconciler reconciles against. */
  private readonly ownBody = new OwnBody();
  private ownBodyKnown = false;
  private recon: Reconciler<OwnBody, any> | undefined;
  private readonly ownView = new OwnView({ smoothMs: OWN_SMOOTH_MS, snap: SNAP_UNITS });
  private readonly unsubscribe: Array<() => void> = [];
  private readonly patches: RateMeter;
  private readonly corrections: RateMeter;
  private readonly statsOut: NetStats = {
    rttMs: NaN, inputAckMs: NaN, pingMs: NaN, jitterMs: 0, patchesPerSecond: 0, bytesPerSecondDown: 0, correctionsPerSecond: 0, interpolationDelayMs: 0,
  };
  private readonly predictedX = new Float64Array(PREDICTED_RING);
  private readonly predictedY = new Float64Array(PREDICTED_RING);
  private readonly predictedSeq = new Float64Array(PREDICTED_RING).fill(-1);
  private checkedAck = 0;
  private inputEpoch = 0;
  /**
   * From a dropped socket on: the stream's count of own bodies at the drop; -1 once the server's
   * body has come on the new socket. Until then we send no inputs. The SDK's input handle sends
   * whenever a socket is open, so it would send on the new socket before the reconnect completes;
   * the server plays such an input before it sends the full state, whose header then acknowledges
   * it while our body (which only a patch carries) is still the old one, and the reconciler
   * settles on that mismatch. Starting again from the server's body also covers an input played
   * after the drop with no socket left to acknowledge it.
   */
  private selfCountAtDrop = -1;
  private stepMs = 50;
  private readonly bytes: RateMeter;
  private rtt = NaN;
  /** Times our sends to land halfway between two server ticks (client/net/sendPhase.ts). */
  private readonly phase = new SendPhase();
  private lastPing = -Infinity;
  private pingSentAt = -Infinity;
  private readonly onPong = (ms: number): void => {
    this.rtt = Number.isNaN(this.rtt) ? ms : this.rtt + (ms - this.rtt) * RTT_GAIN;
    this.pingSentAt = -Infinity;
    this.phase.pong(ms, performance.now());
  };
  /** Reconciles so far that moved our prediction by more than CORRECTION_EPSILON. */
  totalCorrections = 0;

  /** Use {@link join}. */
  private constructor(
    readonly room: Room<any, PondState>,
    events: PondEvents,
    options: Omit<JoinOptions, "url">,
    bytes: RateMeter,
    netsim: NetSim | undefined,
  ) {
    const now = performance.now();
    this.bytes = bytes;
    this.patches = new RateMeter(2000, 20, now);
    this.corrections = new RateMeter(2000, 20, now);
    this.netsim = netsim;
    this.input = room.input<TadpoleInput>({ type: TadpoleInput });
    // Read through the room each time: the room swaps its clock in if a handshake replaces it.
    const link = {
      lastServerTime: () => room.clock.lastServerTime(),
      patchInterval: () => room.clock.patchInterval?.() ?? 0,
      jitter: () => room.clock.jitter(),
    };
    // Remotes are interpolated by RemoteView from its own samples, taken at each patch.
    this.remote = new RemoteView(link, { ...options.remote, fixedDelayMs: options.interpolationDelayMs, snap: options.remote?.snap ?? SNAP_UNITS });
    // The SDK Predict (on the room's clock) counts the fixed input steps and drives our reconciler;
    // no remote is attached to it. Its lerp delay stays 0: the input handle reads it as the
    // lag-compensation render delay.
    this.predict = Predict.get(room, { mode: "lerp", delay: 0 });

    const serializer = room.serializer;
    if (!(serializer instanceof PondStreamSerializer)) {
      throw new Error(`the server speaks the "${room.serializerId}" state format; this client needs "${POND_SERIALIZER_ID}"`);
    }
    this.stream = serializer.stream;
    // Identities come from the state, bodies from the stream; the roster pairs them up.
    this.roster = new Roster(room.sessionId, this.ownBody, {
      appear: (tadpole, own) => {
        if (own) this.adoptOwn();
        else this.remote.add(tadpole.body);
        events.onAdd?.(tadpole.sessionId, tadpole);
      },
      vanish: (tadpole, own) => {
        if (own) this.dropOwn();
        else this.remote.remove(tadpole.body);
        events.onRemove?.(tadpole.sessionId, tadpole);
      },
    });
    this.stream.onEnter = (entity) => this.roster.bodyEntered(entity);
    this.stream.onLeave = (entity) => this.roster.bodyLeft(entity);
    // The join may have delivered a patch or two before we got here.
    for (const entity of this.stream.entities.values()) this.roster.bodyEntered(entity);
    this.adoptSelf();

    room.onStateChange(() => {
      this.adoptSelf();
      if (this.selfCountAtDrop >= 0 && this.stream.selfCount > this.selfCountAtDrop) {
        this.selfCountAtDrop = -1;
        this.recon?.reset();   // re-seeded from the server's body, as on a fresh join
      }
      const t = performance.now();
      this.patches.add(t);
      this.remote.onPatch(t);
    });
    room.onDrop(() => { if (this.selfCountAtDrop < 0) this.selfCountAtDrop = this.stream.selfCount; });
    room.onReconnect(() => { this.remote.reset(); this.phase.reset(); });

    const callbacks = Callbacks.get(room);
    // Our name, from the server's copy: reported when it changes, never polled.
    let ownNameOff: (() => void) | undefined;
    let ownName: string | undefined;
    const reportOwnName = (name: string | undefined): void => {
      if (name === undefined || name === ownName) return;
      ownName = name;
      events.onOwnName?.(name);
    };
    this.unsubscribe.push(
      callbacks.onAdd("tadpoles", (tadpole: Tadpole, id: string) => {
        this.roster.identityAdded(id, tadpole);
        if (id !== room.sessionId || events.onOwnName === undefined) return;
        ownNameOff?.();
        // (Inside a patch the SDK skips listen's immediate call: report the name it came with.)
        reportOwnName(tadpole.name);
        ownNameOff = callbacks.listen(tadpole, "name", reportOwnName);
      }),
      callbacks.onRemove("tadpoles", (tadpole: Tadpole, id: string) => this.roster.identityRemoved(id, tadpole)),
      () => ownNameOff?.(),
    );
    room.onMessage(MessageType.chat, (line: ChatBroadcast) => events.onChat?.(line));
    room.onMessage(MessageType.notice, (notice: Notice) => events.onNotice?.(notice));
    // Against the tadpoles we hold now: the radar reflects the positions of the patch before it.
    room.onMessage(MessageType.radar, (bytes: Uint8Array) => this.radar.receive(bytes, this.roster.bySession.values(), performance.now()));
    room.onLeave((code: number, reason?: string) => {
      this.netsim?.detach();
      events.onLeave?.(code, reason);
    });
  }

  static async join(options: JoinOptions, events: PondEvents = {}): Promise<PondConnection> {
    const sim = options.netsim ?? (options.netsimQuery !== undefined ? netSimFromQuery(options.netsimQuery) : undefined);
    const bytes = new RateMeter();
    let netsim: NetSim | undefined;
    // Hook the room's socket the moment the SDK creates it, so the handshake is counted (and
    // shaped) too: bytes are counted as the room receives them, i.e. after the simulator.
    const client = new HookedClient(options.url, (connection) => {
      countIncomingBytes(connection, bytes);
      if (sim) netsim = attachNetSim(connection, sim);
    });
    let room: Room<any, PondState>;
    try {
      const joinOptions = options.carry === undefined ? { name: options.name } : { name: options.name, carry: options.carry };
      room = options.roomId !== undefined
        ? await client.joinById<PondState>(options.roomId, joinOptions)
        : await client.joinOrCreate<PondState>("pond", joinOptions);
    } catch (error) {
      netsim?.detach();
      throw error;
    }
    return new PondConnection(room, events, options, bytes, netsim);
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  /** Our own tadpole (its fields: the server's exact state), once the server has sent it. */
  get self(): PondTadpole | undefined {
    return this.roster.own;
  }

  /** Every tadpole this client knows of, keyed by session id (ours included). */
  get all(): ReadonlyMap<string, PondTadpole> {
    return this.roster.bySession;
  }

  /** The SDK reconciler predicting our tadpole (undefined until the server sent it). */
  get reconciler(): Reconciler<OwnBody, any> | undefined {
    return this.recon;
  }

  /**
   * Advances the frame: reconciles our prediction with the latest server state, sends the inputs
   * due this frame (one per server tick elapsed) with `steer`, and moves the render timelines.
   * Call once per frame, BEFORE reading poses. `now` is the frame time in ms (the rAF timestamp or
   * performance.now()). Returns the number of inputs sent.
   */
  frame(now: number, steer: Steer): number {
    const local = performance.now();
    const recon = this.recon;
    this.checkAck();
    if (recon) this.ownView.capture(recon.state, recon.reconcileSeq);
    this.remote.frame(now, local);

    // The plain round trip, apart from the input→ack time (which holds the server's tick wait
    // and cushion too). One ping in flight at a time; a lost answer is retried after 5 s.
    if (local - this.pingSentAt > (this.pingSentAt === -Infinity ? 0 : 5000) && local - this.lastPing >= PING_EVERY_MS) {
      this.lastPing = local;
      this.pingSentAt = local;
      this.room.ping(this.onPong);
    }

    // The step clock, nudged so our inputs reach the server between its ticks (SendPhase).
    const stepClock = now + this.phase.shiftMs;
    const due = this.predict.tick(stepClock);
    if (recon) {
      const correction = this.ownView.reconciled(recon.state, recon.reconcileSeq);
      if (correction > CORRECTION_EPSILON) {
        this.corrections.add(local);
        this.totalCorrections++;
      }
    }

    const data = this.input.data;
    const toSend = this.selfCountAtDrop >= 0 ? 0 : due;   // none between a drop and the server's body after it
    let sent = 0;
    for (let i = 0; i < toSend; i++) {
      data.angle = steer.angle;
      data.thrust = steer.thrust;
      const seq = this.input.send();   // the reconciler steps the shared movement for it, now
      if (seq <= 0) continue;
      sent++;
      if (recon) {
        const slot = seq % PREDICTED_RING;
        this.predictedSeq[slot] = seq;
        this.predictedX[slot] = recon.state.x;
        this.predictedY[slot] = recon.state.y;
      }
    }
    if (sent > 0) {
      const playout = this.remote.playout;
      this.phase.sent(local, this.room.clock.lastServerTime(), playout.freshestMs, playout.lateMs, this.stepMs);
    }
    if (recon) this.ownView.present(stepClock, recon.state, steer, sent, this.stepMs);
    return sent;
  }

  /**
   * Where to draw `tadpole` now: ours predicted (moving in the very frame the steering changes),
   * the others interpolated on the adaptive timeline. Writes into `out`.
   */
  pose(tadpole: PondTadpole, out: Pose): Pose {
    if (tadpole.body === this.ownBody && this.recon) {
      return copyPose(this.ownView.pose, out);
    }
    return this.remote.pose(tadpole.body, out);
  }

  /**
   * Link quality numbers for overlays and bots. Cheap enough to call every frame; it returns the
   * SAME object each time, refilled — copy the fields if you need to keep them.
   */
  stats(): NetStats {
    const now = performance.now();
    const clock = this.room.clock;
    const s = this.statsOut;
    s.rttMs = this.rtt;
    s.inputAckMs = clock.smoothedRtt() || clock.rtt() || NaN;
    s.pingMs = s.inputAckMs;
    s.jitterMs = clock.jitter();
    s.patchesPerSecond = this.patches.rate(now);
    s.bytesPerSecondDown = this.bytes.rate(now);
    s.correctionsPerSecond = this.corrections.rate(now);
    s.interpolationDelayMs = this.remote.playout.delayMs(now);
    return s;
  }

  /** The server instant other tadpoles are drawn at, on the server clock (ms since room start). */
  get remoteRenderTime(): number {
    return this.remote.renderTime;
  }

  say(text: string): void {
    this.room.send(MessageType.chat, { text });
  }

  rename(name: string): void {
    this.room.send(MessageType.name, { name });
  }

  async leave(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.stream.onEnter = undefined;
    this.stream.onLeave = undefined;
    this.predict.dispose();
    this.recon = undefined;
    // A closed socket has nobody to say goodbye to: room.leave() would send LEAVE_ROOM on it
    // (Chromium logs an error) and never resolve. onLeave has already run in that case.
    if (this.room.connection?.isOpen) await this.room.leave(true);
    this.netsim?.detach();
  }

  /** Copies the exact own body the stream delivered (if any) into the reconciler's instance. */
  private adoptSelf(): void {
    const self = this.stream.self;
    if (self === null) return;
    const body = this.ownBody;
    if (body.x !== self.x) body.x = self.x;
    if (body.y !== self.y) body.y = self.y;
    if (body.angle !== self.angle) body.angle = self.angle;
    if (body.speed !== self.speed) body.speed = self.speed;
    if (!this.ownBodyKnown) {
      this.ownBodyKnown = true;
      this.roster.ownBodyArrived();
    }
  }

  private adoptOwn(): void {
    if (this.recon) return;
    this.recon = this.predict.reconciler(this.ownBody, {
      input: this.input,
      fields: ["x", "y", "angle", "speed"],
      step: (ctx, state, command) => stepTadpole(state, command, ctx.dt),
      smoothMs: OWN_SMOOTH_MS,
      snap: SNAP_UNITS,
      clock: this.room.clock,
    });
    this.stepMs = this.recon.stepMs;
  }

  /** Our tadpole left the state (the pond is closing under us, or a resync is under way). */
  private dropOwn(): void {
    this.recon?.dispose();
    this.recon = undefined;
  }

  /** Compares the prediction at the newest acknowledged input with the server's state. */
  private checkAck(): void {
    if (this.input.epoch !== this.inputEpoch) {
      // The input handle restarted its sequence (reconnect): forget the old numbering.
      this.inputEpoch = this.input.epoch;
      this.checkedAck = 0;
      this.predictedSeq.fill(-1);
    }
    const acked = this.input.lastProcessed;
    if (acked <= this.checkedAck || !this.ownBodyKnown) return;
    this.checkedAck = acked;
    const slot = acked % PREDICTED_RING;
    if (this.predictedSeq[slot] !== acked || this.onAck === undefined) return;
    this.onAck(acked, Math.hypot(this.predictedX[slot] - this.ownBody.x, this.predictedY[slot] - this.ownBody.y));
  }
}
