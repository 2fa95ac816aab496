import { Protocol, Room, ServerError, getMessageBytes, logger, validate, type AuthContext, type Client, type StepContext } from "@colyseus/core";
import { DEFAULT_NAME, DEFAULT_TICK_RATE, HUE_COUNT, IDLE_FADE_SECONDS, IDLE_KICK_SECONDS } from "../../shared/constants.ts";
import { DEFAULT_FOOD_COUNT, HUNGER_SECONDS, Stage, stageOf } from "../../shared/growth.ts";
import { TadpoleInput } from "../../shared/input.ts";
import { isDefaultName, nameKeys, withSuffix } from "../../shared/names.ts";
import {
  CLOSE_CONNECTED_ELSEWHERE, CLOSE_FLOODING, CLOSE_IDLE, CLOSE_INVALID_INPUT, CLOSE_SERVER_SHUTDOWN, MessageType, idleCloseReason,
  type ChatBroadcast, type JoinOptions, type Notice,
} from "../../shared/protocol.ts";
import { PondState, type Body } from "../../shared/state.ts";
import { onBytesSent } from "../colyseusHooks.ts";
import { metrics } from "../metrics.ts";
import { WordFilter } from "../moderation/wordFilter.ts";
import { Pond, type Member } from "../sim/Pond.ts";
import { PondRadar } from "../sim/Radar.ts";
import { RADAR_INTERVAL_MS } from "../../shared/radar.ts";
import { sockets } from "../sockets.ts";
import { admission } from "./admission.ts";
import { guardFrames } from "./frameGuard.ts";
import { canCarry, claimCarry, leaveCarry } from "./handOff.ts";
import { PondSerializer, pondTail } from "./PondSerializer.ts";
import { TokenBucket } from "./tokenBucket.ts";
import { chatFormat, nameFormat, parseName, sanitizeName, type ChatIntent } from "./validators.ts";

export interface PondOptions {
  tickRate?: number;
  maxPlayers?: number;
  reconnectGraceSeconds?: number;
  /** Radius around a client's tadpole within which it receives others (units). */
  viewRadius?: number;
  /** False sends every tadpole to every client (benchmark baseline). */
  interest?: boolean;
  /** Masks listed words in chat and names (config WORD_LIST_FILE); none when undefined. */
  wordFilter?: WordFilter;
  /** Seconds without activity before a tadpole shows as idle (config IDLE_FADE_SECONDS; fractions for tests). */
  idleFadeSeconds?: number;
  /** Seconds without activity before the seat is freed with CLOSE_IDLE (config IDLE_TIMEOUT_SECONDS); 0 = never. */
  idleTimeoutSeconds?: number;
  /** Specks of food in the pond (config FOOD_COUNT; 0: none). */
  foodCount?: number;
  /** Seconds without eating before a tadpole loses one mass (config HUNGER_SECONDS; 0: never). */
  hungerSeconds?: number;
}

/** The leaderboard, hunger and the eaten-specks metric are brought up to date this often. */
const LEADERBOARD_INTERVAL_MS = 1000;
/**
 * A frog's chat line reaches those watching the cells this many cells around its own, not only
 * its own cell: the pond's landmark is heard across it (docs/feel.md, "Food and growth").
 */
const FROG_CHAT_CELLS = 1;

/** How often the room looks for idle players (ms): the fade and the kick land within this of their time. */
const IDLE_CHECK_MS = 1000;

/** Default view radius: a little more than half a large desktop screen's diagonal. */
export const DEFAULT_VIEW_RADIUS = 1200;

const CHAT_BURST = 5;
const CHAT_PER_SECOND = 0.5;
/**
 * A name is part of the state every client receives: a rename costs the whole pond a few bytes.
 * As much as chat: enough for a player fixing a typo a few times over, not for a stream of them.
 */
const RENAME_BURST = 5;
const RENAME_PER_SECOND = 0.5;
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

/** The room's own fields on each member of the pond (see Member). */
interface SwimmerExtras {
  readonly ip: string | undefined;
  /** Its player's current connection (replaced on a reconnect). */
  client: Client;
  readonly chat: TokenBucket;
  readonly renames: TokenBucket;
  readonly invalid: TokenBucket;
  readonly messages: TokenBucket;
  /** Set once we disconnect it, so the messages still in flight neither count nor kick again. */
  kicked: boolean;
  /** The last chat line (by serial) it was sent: a frog's line reaches several cells, each watcher once. */
  heard: number;
}
type Swimmer = Member<SwimmerExtras>;

/**
 * One pond: every tadpole in it, simulated at a fixed tick from the inputs its owner sends.
 * Clients steer; only this room moves tadpoles. Each client is sent the tadpoles near its own.
 */
export class PondRoom extends Room<{ state: PondState; input: TadpoleInput }> {
  override state = new PondState();
  override inputs = this.defineInput(TadpoleInput);

  /**
   * What clients may send besides inputs (shared/protocol.ts MessageType), bound by Colyseus
   * before onCreate. The formats parse and never refuse (see validators.ts): a bad payload
   * reaches its handler as null, to be counted and dropped like a message of no known type ("_").
   * Every frame passes the frame guard first (onCreate).
   */
  override messages = {
    [MessageType.chat]: validate(chatFormat, (client, intent) => this.onChat(client, intent)),
    [MessageType.name]: validate(nameFormat, (client, name) => this.onName(client, name)),
    _: (client: Client) => this.reject(client, "unknown_type"),
  };

  private readonly swimmers = new Map<string, Swimmer>();
  /**
   * Who holds each name key in this pond (shared/names.ts nameKeys): the holder's session id.
   * Kept from join (or rename) to leave, through a reconnect's grace, so no two players here
   * look alike by name ("Alice", "Аlice" with a Cyrillic А, "ALICE"). Guests hold none.
   */
  private readonly nameHolders = new Map<string, string>();
  private words: WordFilter | undefined;
  private pond!: Pond<SwimmerExtras>;
  /** The room's serializer: joins tell it a full state is about to be asked for. */
  private serializer!: PondSerializer;
  private reconnectGraceSeconds = 20;
  /** Fixed steps without activity before a tadpole is idle, and before its seat is freed (0: never). */
  private idleFadeTicks = 0;
  private idleKickTicks = 0;
  private idleTimeoutSeconds = 0;
  private messagesPerSecond = DEFAULT_TICK_RATE * MESSAGES_PER_TICK + MESSAGES_SLACK_PER_SECOND;
  /** Start of the first fixed step since the last patch (0: none ran), and the time spent in steps. */
  private tickStarted = 0;
  /** stepsRun when the last patch went out. */
  private stepsPatched = 0;
  /** When the last fixed step started (performance.now()). */
  private lastStepAt = -Infinity;
  private tickCpu: NodeJS.CpuUsage | undefined;
  /** The simulation's guess count as last added to the metrics. */
  private guessesCounted = 0;
  private stepMs = 0;
  /** Fixed steps without food before hunger takes one mass (0: never). */
  private hungerTicks = 0;
  /** Chat lines said so far (see SwimmerExtras.heard). */
  private lines = 0;

  override onCreate(options: PondOptions = {}): void {
    const tickRate = options.tickRate ?? DEFAULT_TICK_RATE;
    this.maxClients = options.maxPlayers ?? this.maxClients;
    this.reconnectGraceSeconds = options.reconnectGraceSeconds ?? this.reconnectGraceSeconds;
    this.idleTimeoutSeconds = options.idleTimeoutSeconds ?? IDLE_KICK_SECONDS;
    // Measured in the simulation's fixed steps (PondSim.tick), which keep time with the clock.
    this.idleFadeTicks = Math.max(1, Math.round((options.idleFadeSeconds ?? IDLE_FADE_SECONDS) * tickRate));
    this.idleKickTicks = this.idleTimeoutSeconds > 0 ? Math.max(1, Math.round(this.idleTimeoutSeconds * tickRate)) : 0;
    // Only the server's own definition sets this (its options override a client's of the same key).
    this.words = options.wordFilter instanceof WordFilter ? options.wordFilter : undefined;
    this.pond = new Pond<SwimmerExtras>(this.state, {
      viewRadius: options.viewRadius ?? DEFAULT_VIEW_RADIUS,
      interest: options.interest !== false,
      food: options.foodCount ?? DEFAULT_FOOD_COUNT,
      tickMs: 1000 / tickRate,
    });
    this.hungerTicks = Math.round((options.hungerSeconds ?? HUNGER_SECONDS) * tickRate);
    this.pond.sim.onGuessCorrected = (units) => metrics.guessCorrections.observe(units);
    // Every patch carries each client's position stream after the schema bytes.
    const serializer = new PondSerializer(pondTail(this.pond, (sessionId) => this.swimmers.get(sessionId)));
    serializer.reset(this.state);
    this.setSerializer(serializer);
    this.serializer = serializer;

    this.setFixedTimestep((ctx) => this.step(ctx), tickRate);
    // Re-arm the patch timer after the simulation timer with the same period, so each
    // patch carries exactly the tick that ran just before it.
    this.patchRate = 1000 / tickRate;
    // Once a second, where everyone is, coarsely (the mini-map's crowd and the far edge arrows):
    // one pass over the swimmers, one message encoded once, the same bytes for every client.
    const radar = new PondRadar();
    this.clock.setInterval(() => {
      if (this.clients.length > 0) this.broadcastBytes(MessageType.radar, radar.build(this.pond.members), {});
    }, RADAR_INTERVAL_MS);

    this.messagesPerSecond = tickRate * MESSAGES_PER_TICK + MESSAGES_SLACK_PER_SECOND;
    // Idle players: fade them, then free their seats (one comparison per tadpole a second).
    this.clock.setInterval(() => this.checkIdle(), IDLE_CHECK_MS);
    // Growth: hunger, then the leaderboard, once a second (a pass over the tadpoles each).
    this.clock.setInterval(() => {
      this.pond.checkHunger(this.hungerTicks);
      this.pond.updateLeaders();
      const eaten = this.pond.food?.takeEatenCount() ?? 0;
      if (eaten > 0) metrics.specksEaten.inc(eaten);
      this.countGuesses();
    }, LEADERBOARD_INTERVAL_MS);
    guardFrames(this, {
      admit: (client) => this.admitFrame(client),
      refuse: (client, reason) => this.reject(client, reason),
      input: (client) => this.swimmers.get(client.sessionId)?.arrivals.arrived(performance.now()),
    });
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
    const allowed = admission.reserve(context.ip, Date.now());
    // A promise only in a cluster (REDIS_URL), where the address's join budget is the cluster's.
    if (!(allowed instanceof Promise ? await allowed : allowed)) {
      metrics.kicked.inc({ reason: "join_rate" });
      throw new ServerError(429, "Too many join attempts; wait a moment.");
    }
    // The address rides along as client.auth: Colyseus skips an instance-level onAuth when a
    // static one exists, so onJoin applies the per-address and per-process limits.
    const auth: PondAuth = { ip: context.ip };
    return auth;
  }

  /** `options` come from the client: JoinOptions, trusted in no field (parsed, or claimed as a token). */
  override async onJoin(client: Client, options?: { [K in keyof JoinOptions]?: unknown }): Promise<void> {
    const ip = (client.auth as PondAuth | undefined)?.ip;
    const verdict = admission.admit(ip);
    // A promise only in a cluster (REDIS_URL), where the address's count is the cluster's; alone,
    // the join completes in this very step, with no await.
    const refused = verdict instanceof Promise ? await verdict : verdict;
    if (refused !== null) {
      metrics.kicked.inc({ reason: refused });
      throw new ServerError(503, refused === "process_full" ? "This server is full." : "Too many connections from your address.");
    }
    // A player moved here from a process that shut down brings its size (a one-time token).
    const carried = options?.carry === undefined ? 0 : await claimCarry(this.presence, options.carry);
    const now = Date.now();
    const asked = this.filterName(parseName({ name: options?.name })) ?? DEFAULT_NAME;
    const name = this.distinctName(client.sessionId, asked);
    // Before the state changes: the full state this client will be sent is the last patch's.
    this.serializer.joining();
    const swimmer = this.pond.join(client.sessionId, this.inputs.get(client.sessionId), name, Math.floor(Math.random() * HUE_COUNT), {
      ip,
      client,
      chat: new TokenBucket(CHAT_BURST, CHAT_PER_SECOND, now),
      renames: new TokenBucket(RENAME_BURST, RENAME_PER_SECOND, now),
      invalid: new TokenBucket(INVALID_BURST, INVALID_PER_SECOND, now),
      messages: new TokenBucket(this.messagesPerSecond * 2, this.messagesPerSecond, now),
      kicked: false,
      heard: 0,
    });
    if (carried > 0) this.pond.setMass(swimmer, carried);
    this.swimmers.set(client.sessionId, swimmer);
    this.holdName(client.sessionId, name);
    if (name !== asked) this.tellNameTaken(client, asked, name);
    this.bindClient(client, swimmer);
    metrics.players.inc();
  }

  /** A dropped connection keeps its tadpole for a while; the SDK reconnects by itself. */
  override async onDrop(client: Client, code?: number): Promise<void> {
    const swimmer = this.swimmers.get(client.sessionId);
    // No grace for a client we disconnected for bad input or idleness (the kick must stick), nor
    // at shutdown (the pond is going away; the client moves to another one).
    if (swimmer === undefined || this.reconnectGraceSeconds === 0) return;
    if (code === CLOSE_INVALID_INPUT || code === CLOSE_FLOODING || code === CLOSE_IDLE || code === CLOSE_SERVER_SHUTDOWN) return;
    swimmer.tadpole.away = true;
    await this.allowReconnection(client, this.reconnectGraceSeconds);
  }

  override onReconnect(client: Client): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer === undefined) return;
    this.serializer.joining();
    swimmer.tadpole.away = false;
    // Colyseus registers a new input queue for the reconnected client.
    this.pond.sim.requeue(swimmer, this.inputs.get(client.sessionId));
    // The new connection starts from a full state; its stream restarts with key blocks (PondSerializer).
    this.bindClient(client, swimmer);
  }

  /**
   * A reconnection claims a seat (POST /matchmake/reconnect, or a WebSocket with a token: see
   * server/pondTransport.ts). When the seat's previous socket is still open, Colyseus drops that
   * connection from the room (with 4002, so onDrop holds the seat for the claimer) but leaves the
   * socket itself open and silent, for as long as its peer keeps it; close it here, with a code
   * that tells its client not to take the seat back. A kicked player's seat is not handed on.
   */
  override checkReconnectionToken(reconnectionToken: string): string {
    const holder = this.clients.find((client) => client.reconnectionToken === reconnectionToken);
    // No session (falsy, as Colyseus's own "no such token"): the matchmaker answers "invalid or expired".
    if (holder !== undefined && this.swimmers.get(holder.sessionId)?.kicked) return "";
    const sessionId = super.checkReconnectionToken(reconnectionToken);
    if (holder !== undefined && sessionId) {
      metrics.kicked.inc({ reason: "connected_elsewhere" });
      holder.leave(CLOSE_CONNECTED_ELSEWHERE, "Connected from elsewhere.");
    }
    return sessionId;
  }

  override onLeave(client: Client): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer === undefined) return;
    this.swimmers.delete(client.sessionId);
    this.releaseName(client.sessionId, swimmer.tadpole.name);
    this.pond.leave(swimmer);
    admission.release(swimmer.ip);
    metrics.players.dec();
  }

  /** Fixed steps simulated since the pond opened (a late timer runs several between two patches). */
  stepsRun = 0;

  /** Where a player's tadpole is on the server (tests and tools; the state carries no positions). */
  bodyOf(sessionId: string): Readonly<Body> | undefined {
    return this.swimmers.get(sessionId)?.body;
  }

  override onDispose(): void {
    metrics.ponds.dec();
    this.countGuesses();
  }

  /** Graceful shutdown: tell clients to go elsewhere (they rejoin through the matchmaker). */
  override onBeforeShutdown(): void {
    this.lock().catch(() => {});
    this.handOff()
      .catch((error) => logger.error("pond hand-off of sizes failed", error))
      .finally(() => this.disconnect(CLOSE_SERVER_SHUTDOWN).catch((error) => logger.error("pond disconnect failed", error)));
  }

  /** Each grown player's size goes with it to its next pond (see handOff.ts); only in a cluster. */
  private async handOff(): Promise<void> {
    if (!canCarry(this.presence)) return;
    await Promise.all([...this.swimmers.values()].map(async (swimmer) => {
      if (swimmer.mass <= 0 || swimmer.kicked || swimmer.tadpole.away) return;
      const token = await leaveCarry(this.presence, swimmer.mass);
      swimmer.client.send(MessageType.carry, token);
    }));
  }

  /**
   * Times each tick as its steps plus the encode of the patch that carries them. The step and
   * patch timers are separate intervals, so the wall time from step start to patch end would
   * also count the idle wait between them.
   */
  override broadcastPatch(): boolean {
    // The patch and step timers drift past each other: a patch with no step since the last
    // would show every swimmer standing still for a tick, then jumping two.
    if (this.stepsRun === this.stepsPatched) return false;
    this.stepsPatched = this.stepsRun;
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

  /** One fixed step of the pond (simulation, then a quarter of the clients' watched cells swept). */
  private step(ctx: StepContext): void {
    const started = performance.now();
    // A late timer runs several catch-up steps before one patch: time them all.
    if (this.tickStarted === 0) {
      this.tickStarted = started;
      this.tickCpu = process.cpuUsage();
    }
    // Two steps in one timer callback: the second is a catch-up step (PondSim.step).
    const catchUp = started - this.lastStepAt < ctx.dtMs / 2;
    this.lastStepAt = started;
    this.pond.step(ctx.dt, catchUp);
    this.stepsRun++;
    this.stepMs += performance.now() - started;
  }

  /** Ties the swimmer to its (new) connection (its socket now has a seat: server/sockets.ts), and counts the bytes we send it. */
  private bindClient(client: Client, swimmer: Swimmer): void {
    swimmer.client = client;
    sockets.seated(client.ref);
    // Count bytes at the socket: the only place that sees patches, messages and handshakes alike.
    onBytesSent(client, (bytes) => metrics.bytesSent.inc(bytes));
  }

  /**
   * Sends a chat line to the players who can see the speaker (those watching its cell), encoded
   * once; a frog's carries further, to those watching the cells around its own too.
   */
  private say(speaker: Swimmer, line: ChatBroadcast): void {
    const bytes = getMessageBytes.raw(Protocol.ROOM_DATA, MessageType.chat, line);
    const serial = ++this.lines;
    const reach = stageOf(speaker.tadpole.level ?? 0) === Stage.frog ? FROG_CHAT_CELLS : 0;
    const grid = this.pond.sim.grid;
    const cx = speaker.cell % grid.cols;
    const cy = (speaker.cell - cx) / grid.cols;
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(grid.cols - 1, cy + reach); gy++) {
      for (let gx = Math.max(0, cx - reach); gx <= Math.min(grid.cols - 1, cx + reach); gx++) {
        const audience = this.pond.interest.watchersOf(gy * grid.cols + gx);
        for (let i = 0; i < audience.length; i++) {
          const listener = audience[i];
          if (listener.heard === serial) continue;
          listener.heard = serial;
          listener.client.enqueueRaw(bytes);
        }
      }
    }
    // Its own line reaches the speaker even before its first sweep watches its new cell.
    if (speaker.heard !== serial) speaker.client.enqueueRaw(bytes);
  }

  private onChat(client: Client, intent: ChatIntent | null): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    if (intent === null) return this.reject(client, "bad_chat");
    // A line (or rename) typed is a player at the keyboard, delivered or throttled.
    this.pond.sim.touch(swimmer);
    if (intent.kind === "rename") return this.rename(client, swimmer, intent.name);
    if (!swimmer.chat.take(Date.now())) {
      const notice: Notice = { code: "chat_throttled", text: "You are chatting too fast; wait a moment." };
      client.send(MessageType.notice, notice);
      return;
    }
    this.say(swimmer, { id: client.sessionId, text: this.words ? this.words.mask(intent.text) : intent.text });
  }

  private onName(client: Client, name: string | null): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    if (name === null) return this.reject(client, "bad_name");
    this.pond.sim.touch(swimmer);
    this.rename(client, swimmer, name);
  }

  private rename(client: Client, swimmer: Swimmer, wanted: string): void {
    const asked = this.filterName(wanted);
    // Nothing readable left once the filter masked it: refused like an empty name.
    if (asked === null) return this.reject(client, "bad_name");
    if (asked === swimmer.tadpole.name) return;
    if (!swimmer.renames.take(Date.now())) {
      const notice: Notice = { code: "rename_throttled", text: "You are renaming too often; wait a moment." };
      client.send(MessageType.notice, notice);
      return;
    }
    const name = this.distinctName(client.sessionId, asked);
    if (name !== asked) this.tellNameTaken(client, asked, name);
    if (name === swimmer.tadpole.name) return;
    this.releaseName(client.sessionId, swimmer.tadpole.name);
    swimmer.tadpole.name = name;
    this.holdName(client.sessionId, name);
  }

  /** A (sanitized) name with the word filter's words masked; null when nothing readable is left. */
  private filterName(name: string | null): string | null {
    if (name === null || this.words === undefined) return name;
    const masked = this.words.mask(name);
    return masked === name ? name : sanitizeName(masked);
  }

  /**
   * `asked`, or, when it looks like the name of another player in this pond (shares a key with
   * it: "Alice", "Аlice", "ALICE"), the first of "asked 2", "asked 3", … that looks like nobody's.
   * Told apart rather than refused: a player who picked a common name would rather swim under
   * "Alice 2" than be turned away or left nameless, and the number is what others see, so
   * nobody can pass as the Alice who was here first. Guests are exempt (isDefaultName).
   */
  private distinctName(sessionId: string, asked: string): string {
    if (isDefaultName(asked)) return asked;
    // Every candidate has its own keys, and each held key blocks at most two: this ends within
    // a few candidates per player in the pond.
    for (let n = 2, name = asked; n < 1_000_000; name = withSuffix(asked, n++)) {
      if (nameKeys(name).every((key) => (this.nameHolders.get(key) ?? sessionId) === sessionId)) return name;
    }
    return withSuffix(asked, Date.now());
  }

  private holdName(sessionId: string, name: string): void {
    if (isDefaultName(name)) return;
    for (const key of nameKeys(name)) this.nameHolders.set(key, sessionId);
  }

  private releaseName(sessionId: string, name: string): void {
    for (const key of nameKeys(name)) {
      if (this.nameHolders.get(key) === sessionId) this.nameHolders.delete(key);
    }
  }

  private tellNameTaken(client: Client, asked: string, name: string): void {
    // The two names apart too, so a client can say it in the player's language.
    const notice: Notice = { code: "name_taken", text: `A name like “${asked}” is already taken in this pond: you are “${name}” here.`, asked, name };
    client.send(MessageType.notice, notice);
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

  /** Adds the steps the simulation guessed since the last count. */
  private countGuesses(): void {
    const guessed = this.pond.sim.guessed;
    if (guessed > this.guessesCounted) metrics.guessedSteps.inc(guessed - this.guessesCounted);
    this.guessesCounted = guessed;
  }

  /**
   * Once a second: marks the tadpoles of players idle for IDLE_FADE_SECONDS (they fade), and
   * frees the seats of those idle for IDLE_TIMEOUT_SECONDS. A player who is away (its connection
   * dropped) is left to the reconnection grace, which ends sooner.
   */
  private checkIdle(): void {
    this.pond.checkIdle(this.idleFadeTicks, this.idleKickTicks, (swimmer) => {
      if (swimmer.kicked || swimmer.tadpole.away) return;
      this.kick(swimmer.client, swimmer, CLOSE_IDLE, "idle", idleCloseReason(this.idleTimeoutSeconds));
    });
  }

  private kick(client: Client, swimmer: Swimmer, code: number, reason: string, text: string): void {
    swimmer.kicked = true;
    metrics.kicked.inc({ reason });
    client.leave(code, text);
  }
}
