import { CloseCode, Room, ServerError, logger, type AuthContext, type Client, type StepContext } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { DEFAULT_NAME, DEFAULT_TICK_RATE, HUE_COUNT } from "../../shared/constants.ts";
import { TadpoleInput } from "../../shared/input.ts";
import { MessageType, parseChat, parseName, type ChatBroadcast, type Notice } from "../../shared/messages.ts";
import { PondState, Tadpole } from "../../shared/state.ts";
import { metrics } from "../metrics.ts";
import { PondSim } from "../sim/PondSim.ts";
import { admission } from "./admission.ts";
import { guardFrames } from "./frameGuard.ts";
import { Interest, type Viewer } from "./Interest.ts";
import { TokenBucket } from "./tokenBucket.ts";

export interface PondOptions {
  tickRate?: number;
  maxPlayers?: number;
  reconnectGraceSeconds?: number;
  /** Radius around a client's tadpole within which it receives others (units). */
  viewRadius?: number;
  /** False sends every tadpole to every client (benchmark baseline). */
  interest?: boolean;
}

/** Close code for a client that keeps sending messages we cannot use. */
export const CLOSE_INVALID_INPUT = 4400;
/** Close code for a client that sends far more messages than any honest client does. */
export const CLOSE_FLOODING = 4429;

/** Default view radius: a little more than half a large desktop screen's diagonal. */
export const DEFAULT_VIEW_RADIUS = 1200;

/**
 * Each client's view is re-swept every this many ticks (200 ms at 20 Hz). The leave radius is
 * 15 % wider than the enter radius, far more than two tadpoles can close in that time.
 */
const SWEEP_TURNS = 4;
const CHAT_BURST = 5;
const CHAT_PER_SECOND = 0.5;
const INVALID_BURST = 20;
const INVALID_PER_SECOND = 2;
/**
 * Frames of any kind (inputs, chat, renames, pings...) a client may send: this many per
 * simulation tick plus some slack each second, with two seconds' worth as a burst. An honest
 * client sends one input per tick and the odd chat line; the SDK replays at most 10 queued
 * messages after a reconnect.
 */
const MESSAGES_PER_TICK = 4;
const MESSAGES_SLACK_PER_SECOND = 20;
/** Join options are a name and little else. */
const MAX_JOIN_OPTIONS_BYTES = 1024;

/** What the static onAuth hands each client (as `client.auth`). */
interface PondAuth {
  ip: string | undefined;
}

/** The room's own fields on each swimmer (the simulation adds its own, see SimSwimmer). */
interface SwimmerExtras {
  readonly tadpole: Tadpole;
  readonly ip: string | undefined;
  view: StateView | undefined;
  readonly visible: Map<Viewer, number>;
  gone: boolean;
  readonly chat: TokenBucket;
  readonly invalid: TokenBucket;
  readonly messages: TokenBucket;
  /** Set once we disconnect it, so the messages still in flight neither count nor kick again. */
  kicked: boolean;
}
type Swimmer = Viewer & SwimmerExtras;

/**
 * One pond: every tadpole in it, simulated at a fixed tick from the inputs its owner sends.
 * Clients steer; only this room moves tadpoles. Each client is sent the tadpoles near its own.
 */
export class PondRoom extends Room<{ state: PondState; input: TadpoleInput }> {
  override state = new PondState();
  override inputs = this.defineInput(TadpoleInput);

  private readonly swimmers = new Map<string, Swimmer>();
  private sim!: PondSim<SwimmerExtras>;
  private interest!: Interest<Swimmer>;
  private reconnectGraceSeconds = 20;
  private messagesPerSecond = DEFAULT_TICK_RATE * MESSAGES_PER_TICK + MESSAGES_SLACK_PER_SECOND;
  private sweepTurn = 0;
  /** Start of the first fixed step since the last patch (0: none ran), and the time spent in steps. */
  private tickStarted = 0;
  private tickCpu: NodeJS.CpuUsage | undefined;
  private stepMs = 0;

  override onCreate(options: PondOptions = {}): void {
    const tickRate = options.tickRate ?? DEFAULT_TICK_RATE;
    this.maxClients = options.maxPlayers ?? this.maxClients;
    this.reconnectGraceSeconds = options.reconnectGraceSeconds ?? this.reconnectGraceSeconds;
    const radius = options.viewRadius ?? DEFAULT_VIEW_RADIUS;
    // Cells as wide as the leave radius: a view sweep reads at most a 3×3 block of them.
    this.sim = new PondSim<SwimmerExtras>({ cellSize: radius * 1.15 });
    this.interest = new Interest<Swimmer>({ enterRadius: radius, leaveRadius: radius * 1.15, enabled: options.interest !== false }, this.sim.grid);

    this.setFixedTimestep((ctx) => this.step(ctx), tickRate);
    // Re-arm the patch timer after the simulation timer with the same period, so each
    // patch carries exactly the tick that ran just before it.
    this.patchRate = 1000 / tickRate;

    this.messagesPerSecond = tickRate * MESSAGES_PER_TICK + MESSAGES_SLACK_PER_SECOND;
    guardFrames(this, {
      admit: (client) => this.admitFrame(client),
      refuse: (client, reason) => this.reject(client, reason),
    });

    this.onMessage(MessageType.chat, (client, payload: unknown) => this.onChat(client, payload));
    this.onMessage(MessageType.name, (client, payload: unknown) => this.onName(client, payload));
    this.onMessage("*", (client) => this.reject(client, "unknown_type"));
    metrics.ponds.inc();
  }

  /**
   * Runs when a seat is requested over HTTP (POST /matchmake/...), before any WebSocket. Every
   * reservation holds a seat and its join options for the seat reservation time (and a full
   * pond makes the matchmaker open another), so an address may only ask so often, and join
   * options stay small. The per-IP and per-process player limits apply when the player joins
   * (onJoin), in the same step that creates its tadpole, so a slot is never held without one.
   */
  static override async onAuth(_token: string, options: unknown, context: AuthContext): Promise<PondAuth> {
    if (JSON.stringify(options ?? {}).length > MAX_JOIN_OPTIONS_BYTES) throw new ServerError(400, "Join options too large.");
    if (!admission.reserve(context.ip, Date.now())) {
      metrics.kicked.inc({ reason: "join_rate" });
      throw new ServerError(429, "Too many join attempts; wait a moment.");
    }
    // The address rides along as client.auth: Colyseus skips an instance-level onAuth when a
    // static one exists, so onJoin applies the per-address and per-process limits.
    const auth: PondAuth = { ip: context.ip };
    return auth;
  }

  override onJoin(client: Client, options?: { name?: unknown }): void {
    const ip = (client.auth as PondAuth | undefined)?.ip;
    const refused = admission.admit(ip);
    if (refused !== null) {
      metrics.kicked.inc({ reason: refused });
      throw new ServerError(503, refused === "process_full" ? "This server is full." : "Too many connections from your address.");
    }
    const tadpole = new Tadpole();
    tadpole.name = parseName({ name: options?.name }) ?? DEFAULT_NAME;
    tadpole.hue = Math.floor(Math.random() * HUE_COUNT);
    const now = Date.now();
    const swimmer = this.sim.spawn(client.sessionId, this.inputs.get(client.sessionId), tadpole, {
      tadpole,
      ip,
      view: undefined,
      visible: new Map(),
      gone: false,
      chat: new TokenBucket(CHAT_BURST, CHAT_PER_SECOND, now),
      invalid: new TokenBucket(INVALID_BURST, INVALID_PER_SECOND, now),
      messages: new TokenBucket(this.messagesPerSecond * 2, this.messagesPerSecond, now),
      kicked: false,
    });
    this.swimmers.set(client.sessionId, swimmer);
    this.state.tadpoles.set(client.sessionId, tadpole);
    this.watch(client, swimmer);
    this.interest.add(swimmer);
    this.interest.sweep(swimmer);
    metrics.players.inc();
  }

  /** A dropped connection keeps its tadpole for a while; the SDK reconnects by itself. */
  override async onDrop(client: Client, code?: number): Promise<void> {
    const swimmer = this.swimmers.get(client.sessionId);
    // No grace for a client we disconnected for bad input (the kick must stick), nor at shutdown
    // (the pond is going away; the client moves to another one).
    if (swimmer === undefined || this.reconnectGraceSeconds === 0) return;
    if (code === CLOSE_INVALID_INPUT || code === CLOSE_FLOODING || code === CloseCode.SERVER_SHUTDOWN) return;
    swimmer.tadpole.away = true;
    await this.allowReconnection(client, this.reconnectGraceSeconds);
  }

  override onReconnect(client: Client): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer === undefined) return;
    swimmer.tadpole.away = false;
    // Colyseus registers a new input queue for the reconnected client.
    swimmer.inputs = this.inputs.get(client.sessionId);
    this.watch(client, swimmer);
    // The new connection starts from a full state: show it everyone near it again.
    swimmer.visible.clear();
    this.interest.sweep(swimmer);
  }

  override onLeave(client: Client): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer === undefined) return;
    this.swimmers.delete(client.sessionId);
    this.sim.despawn(swimmer);
    this.interest.remove(swimmer);
    this.state.tadpoles.delete(client.sessionId);
    admission.release(swimmer.ip);
    metrics.players.dec();
  }

  override onDispose(): void {
    metrics.ponds.dec();
  }

  /** Graceful shutdown: tell clients to go elsewhere (they rejoin through the matchmaker). */
  override onBeforeShutdown(): void {
    this.lock().catch(() => {});
    this.disconnect(CloseCode.SERVER_SHUTDOWN).catch((error) => logger.error("pond disconnect failed", error));
  }

  /**
   * Times each tick as its steps plus the encode of the patch that carries them. The step and
   * patch timers are separate intervals, so the wall time from step start to patch end would
   * also count the idle wait between them.
   */
  override broadcastPatch(): boolean {
    const encodeStarted = performance.now();
    const changed = super.broadcastPatch();
    if (this.tickStarted > 0) {
      const workMs = this.stepMs + (performance.now() - encodeStarted);
      metrics.tickSeconds.observe(workMs / 1000);
      const cpu = process.cpuUsage(this.tickCpu);
      metrics.ticks.record(this.stepMs, workMs, (cpu.user + cpu.system) / 1000);
      this.tickStarted = 0;
      this.stepMs = 0;
    }
    return changed;
  }

  /** One fixed step of the simulation, then a quarter of the clients' views swept. */
  private step(ctx: StepContext): void {
    const started = performance.now();
    // A late timer runs several catch-up steps before one patch: time them all.
    if (this.tickStarted === 0) {
      this.tickStarted = started;
      this.tickCpu = process.cpuUsage();
    }
    this.sim.step(ctx.dt);
    const swimmers = this.sim.swimmers;
    const phase = this.sweepTurn++ % SWEEP_TURNS;
    for (let i = phase; i < swimmers.length; i += SWEEP_TURNS) this.interest.sweep(swimmers[i]);
    this.stepMs += performance.now() - started;
  }

  /** Gives the client its view and counts the bytes we send it. */
  private watch(client: Client, swimmer: Swimmer): void {
    swimmer.view?.dispose();
    const view = new StateView();
    client.view = view;
    swimmer.view = view;
    // Count bytes at the socket: the only place that sees patches, messages and handshakes alike.
    const socket = client.ref as unknown as { send(data: Uint8Array, ...rest: unknown[]): void };
    const send = socket.send.bind(socket);
    socket.send = (data: Uint8Array, ...rest: unknown[]) => {
      metrics.bytesSent.inc(data.byteLength);
      send(data, ...rest);
    };
  }

  private onChat(client: Client, payload: unknown): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    const intent = parseChat(payload);
    if (intent === null) return this.reject(client, "bad_chat");
    if (intent.kind === "rename") {
      swimmer.tadpole.name = intent.name;
      return;
    }
    if (!swimmer.chat.take(Date.now())) {
      const notice: Notice = { code: "chat_throttled", text: "You are chatting too fast; wait a moment." };
      client.send(MessageType.notice, notice);
      return;
    }
    const line: ChatBroadcast = { id: client.sessionId, text: intent.text };
    this.broadcast(MessageType.chat, line);
  }

  private onName(client: Client, payload: unknown): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    const name = parseName(payload);
    if (name === null) return this.reject(client, "bad_name");
    swimmer.tadpole.name = name;
  }

  /**
   * Every frame a client sends passes here first (see guardFrames). A flood (past
   * `messagesPerSecond`) is cut off with CLOSE_FLOODING: Colyseus' maxMessagesPerSecond would
   * close with 4002, which a dropped client replaced by its own reconnect also gets
   * (Room.checkReconnectionToken), so onDrop could not tell them apart.
   */
  private admitFrame(client: Client): boolean {
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer === undefined) return true;
    if (swimmer.kicked) return false;
    if (!swimmer.messages.take(Date.now())) {
      this.kick(client, swimmer, CLOSE_FLOODING, "flooding", "Too many messages.");
      return false;
    }
    return true;
  }

  /** Drops a message we cannot use; a client that keeps sending them is disconnected. */
  private reject(client: Client, reason: string): void {
    metrics.droppedMessages.inc({ reason });
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer && !swimmer.kicked && !swimmer.invalid.take(Date.now())) {
      this.kick(client, swimmer, CLOSE_INVALID_INPUT, "invalid_messages", "Too many invalid messages.");
    }
  }

  private kick(client: Client, swimmer: Swimmer, code: number, reason: string, text: string): void {
    swimmer.kicked = true;
    metrics.kicked.inc({ reason });
    client.leave(code, text);
  }
}
