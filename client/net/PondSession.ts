import { abandonRoom } from "./sdkHooks.ts";
import { MessageType } from "../../shared/protocol.ts";
import { PondConnection, type JoinOptions, type PondEvents } from "./PondConnection.ts";

/**
 * Where a session stands, for the UI ("Reconnecting…", "Moving to another pond…") and for bots:
 * - `connecting`: the first join is under way (or being retried);
 * - `connected`: in a pond, state flowing;
 * - `reconnecting`: the socket dropped; the SDK is re-attaching to the same pond and tadpole;
 * - `moving`: the pond is gone (server shutting down, reconnection failed); joining another
 *   one through the matchmaker, with backoff;
 * - `offline`: not connected and not trying (closed by us, kicked, or out of attempts).
 */
export type SessionStatus = "connecting" | "connected" | "reconnecting" | "moving" | "offline";

/** The SDK's automatic reconnection settings we let callers tune (see `room.reconnection`). */
export interface ReconnectionTuning {
  /** Attempts before the SDK gives up and the session moves elsewhere (SDK default 15). */
  maxRetries?: number;
  /** Base of the SDK's exponential backoff, ms (SDK default 100). */
  delay?: number;
  minDelay?: number;
  /** Longest wait between attempts, ms (SDK default 5000). */
  maxDelay?: number;
  /**
   * A connection younger than this is not re-attached but treated as gone (SDK default 5000 ms,
   * which stops a pond that kicks on join from looping). The session then joins afresh.
   */
  minUptime?: number;
}

/** Backoff for joining through the matchmaker after the pond is gone (or the first join failed). */
export interface RejoinBackoff {
  /** First retry delay, ms (default 500); the very first attempt after a move waits only the jitter. */
  initialDelayMs?: number;
  /** Cap, ms (default 10 000). */
  maxDelayMs?: number;
  /** Random spread added before the first attempt after a move, ms (default 250): a whole pond moving at once does not hit the matchmaker in one burst. */
  jitterMs?: number;
  /** Attempts before giving up and going `offline` (default: never give up). */
  maxAttempts?: number;
}

export interface PondSessionOptions {
  /**
   * Matchmaking endpoint(s). The browser passes one (its own origin: the reverse proxy). Bots and
   * tests may list several processes: a failed join tries the next one.
   */
  url: string | readonly string[];
  /** The player's name; kept across reconnects and moves (renames included). */
  name?: string;
  /** Join this pond first (the browser reads it from `/#/pond/<id>`); if it is gone or full, join any. */
  roomId?: string;
  /** Passed to every PondConnection.join (render delay, network simulator, remote tuning). */
  connection?: Omit<JoinOptions, "url" | "name" | "roomId">;
  reconnection?: ReconnectionTuning;
  rejoin?: RejoinBackoff;
}

/** What caused a status change, when something did. */
export interface StatusDetail {
  code?: number;
  reason?: string;
  error?: unknown;
}

/**
 * A session's events. The tadpole, chat, notice and own-name events come from each of its
 * connections in turn: the session hands this very object to every PondConnection it joins.
 */
export interface PondSessionEvents extends Omit<PondEvents, "onLeave"> {
  /** `code` is the close code that caused it, and `reason` the server's reason with it (e.g. how long the player was idle, CLOSE_IDLE). */
  onStatus?(status: SessionStatus, detail: StatusDetail): void;
  /** A (new) pond: the first join, and every move. `previous` is undefined on the first. */
  onPondChanged?(roomId: string, previous: string | undefined): void;
  /** A new PondConnection is live (first join and after each move; not after a reconnect, which keeps it). */
  onConnection?(connection: PondConnection): void;
}

/**
 * Close codes after which the session joins another pond by itself: the WebSocket codes
 * (1000–1015) and the framework's (4000–4010: CONSENTED from a disposed room, SERVER_SHUTDOWN,
 * WITH_ERROR, FAILED_TO_RECONNECT, ...). Application codes (4011–4999, shared/protocol.ts, e.g.
 * CLOSE_INVALID_INPUT for a client that keeps sending garbage) mean "go away": the session goes
 * offline instead. So does CLOSE_CONNECTED_ELSEWHERE (the seat reconnected from another tab or
 * device): joining or reconnecting again would take the seat back from there, which would take it
 * back again. And CLOSE_IDLE (the seat was freed after IDLE_TIMEOUT_SECONDS with no steering and
 * no chat): a forgotten tab must not take a seat again by itself; the player swims again by choice.
 */
export function shouldRejoin(code: number): boolean {
  return code < 4011;
}

const DEFAULT_REJOIN: Required<RejoinBackoff> = { initialDelayMs: 500, maxDelayMs: 10_000, jitterMs: 250, maxAttempts: Infinity };

/** `#/pond/<id>` -> id (undefined when the hash names no pond). */
export function pondIdFromHash(hash: string): string | undefined {
  const match = /^#?\/pond\/([A-Za-z0-9_-]+)\/?$/.exec(hash);
  return match ? match[1] : undefined;
}

/** The location hash that links to pond `roomId`. */
export function pondHash(roomId: string): string {
  return `#/pond/${roomId}`;
}

/**
 * A resilient player session around PondConnection, shared by the browser and bots.
 *
 * Network blips are the SDK's job: it re-attaches the same Room object to the same seat, so the
 * tadpole, name, position and every state callback survive (the server keeps the tadpole, marked
 * `away`, for RECONNECT_GRACE_SECONDS). When the pond itself is gone (its process shuts down and
 * closes with SERVER_SHUTDOWN, or reconnection fails) the session joins again through the
 * matchmaker, with backoff, under the same name, and hands out a new PondConnection.
 * Application close codes (a kick) end the session instead (see shouldRejoin).
 *
 * A bot:
 *
 *   const session = new PondSession({ url, name }, {
 *     onStatus: (status) => log(status),
 *     onChat: (line) => reply(line),
 *   });
 *   await session.start();
 *   // each frame: session.connection?.frame(now, steer)
 *
 * The browser passes the events of its one PondFeed (client/net/PondFeed.ts, via
 * client/boot/SessionControl.ts), which the page and the scene subscribe to once.
 */
export class PondSession {
  private readonly endpoints: string[];
  private endpointIndex = 0;
  private current: PondConnection | undefined;
  /** The pond of the last connection, kept while moving so the next join can report the change. */
  private lastRoomId: string | undefined;
  private currentStatus: SessionStatus = "offline";
  private playerName: string | undefined;
  /**
   * The server's copy of our name when we last asked for a new one: while it still reads that,
   * the server has not answered (the rename may be in flight, or its echo lost with the socket).
   */
  private nameAtRename: string | undefined;
  /** The size token the pond sent as it shut down, for the next join (docs/protocol.md, "carry"). */
  private carry: string | undefined;
  private wantedRoomId: string | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly rejoin: Required<RejoinBackoff>;
  /** Joins made (first and moves) and reconnects completed, for bots' and tests' bookkeeping. */
  readonly counts = { joins: 0, moves: 0, drops: 0, reconnects: 0, failedAttempts: 0 };

  constructor(private readonly options: PondSessionOptions, private readonly events: PondSessionEvents = {}) {
    this.endpoints = typeof options.url === "string" ? [options.url] : [...options.url];
    if (this.endpoints.length === 0) throw new Error("PondSession needs at least one endpoint URL");
    this.playerName = options.name;
    this.wantedRoomId = options.roomId;
    this.rejoin = { ...DEFAULT_REJOIN, ...options.rejoin };
  }

  get status(): SessionStatus {
    return this.currentStatus;
  }

  /** The live connection (undefined while connecting, moving or offline; kept while reconnecting). */
  get connection(): PondConnection | undefined {
    return this.current;
  }

  get roomId(): string | undefined {
    return this.current?.room.roomId;
  }

  get sessionId(): string | undefined {
    return this.current?.sessionId;
  }

  get name(): string | undefined {
    return this.playerName;
  }

  /** The WebSocket URL of the current pond (it names the process: `ws://<publicAddress>/<processId>/<roomId>`). */
  get socketUrl(): string | undefined {
    return this.current?.room.connection?.url;
  }

  /**
   * Joins (joinById when a room id was given, else joinOrCreate) and resolves with the first
   * connection. Failed joins are retried with backoff until `rejoin.maxAttempts`; then it rejects.
   */
  async start(): Promise<PondConnection> {
    if (this.closed) throw new Error("PondSession is closed");
    if (!this.running) {
      this.running = this.joinLoop("connecting");
    }
    await this.running;
    if (!this.current) throw new Error("PondSession could not join a pond");
    return this.current;
  }

  /** Renames the player now and for every later join. */
  rename(name: string): void {
    this.playerName = name;
    this.nameAtRename = this.current?.self?.name;
    this.current?.rename(name);
  }

  /** Leaves for good (consented): no reconnect, no move. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    const connection = this.current;
    this.current = undefined;
    this.setStatus("offline", {});
    if (!connection) return;
    if (connection.room.connection?.isOpen) {
      await withDeadline(connection.leave(), 3000).catch(() => undefined);
    } else {
      // Mid-reconnection there is no socket to say goodbye on, and the SDK has a retry
      // scheduled: stop it, or it would re-attach a tadpole nobody drives.
      abandonRoom(connection.room);
      releaseConnection(connection);
    }
  }

  private setStatus(status: SessionStatus, detail: StatusDetail): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.events.onStatus?.(status, detail);
  }

  /** Tries to join until it succeeds, the session closes or attempts run out. */
  private async joinLoop(status: "connecting" | "moving", code?: number): Promise<void> {
    this.setStatus(status, { code });
    let attempt = 0;
    let delay = status === "moving" ? Math.random() * this.rejoin.jitterMs : 0;
    for (;;) {
      if (delay > 0) await this.sleep(delay);
      if (this.closed) return;
      const url = this.endpoints[this.endpointIndex % this.endpoints.length];
      try {
        const connection = await this.join(url);
        if (this.closed) {
          await withDeadline(connection.leave(), 3000).catch(() => undefined);
          return;
        }
        this.adopt(connection);
        return;
      } catch (error) {
        this.counts.failedAttempts++;
        attempt++;
        // Whatever failed (the process is going away, the pond we wanted is gone), try the next
        // endpoint: with a single proxy URL this is the same one again.
        this.endpointIndex++;
        if (attempt >= this.rejoin.maxAttempts) {
          this.setStatus("offline", { error });
          return;
        }
        const base = Math.min(this.rejoin.maxDelayMs, this.rejoin.initialDelayMs * 2 ** (attempt - 1));
        delay = base / 2 + Math.random() * (base / 2);
      }
    }
  }

  /** One attempt: the linked pond if any (once), else the matchmaker's choice. */
  private async join(url: string): Promise<PondConnection> {
    const roomId = this.wantedRoomId;
    if (roomId !== undefined) {
      // Asked for once: if that pond is gone, locked or full, any pond will do.
      this.wantedRoomId = undefined;
      try {
        return await this.connect(url, roomId);
      } catch {
        // fall through to the matchmaker
      }
    }
    return await this.connect(url, undefined);
  }

  private async connect(url: string, roomId: string | undefined): Promise<PondConnection> {
    // A size handed over by a pond that shut down goes with the first join after it, once.
    const carry = this.carry;
    const connection = await PondConnection.join({ ...this.options.connection, url, name: this.playerName, roomId, carry }, this.events);
    if (carry === this.carry) this.carry = undefined;
    connection.room.onLeave((code: number, reason?: string) => this.onLeft(connection, code, reason));
    return connection;
  }

  private adopt(connection: PondConnection): void {
    const room = connection.room;
    const tuning = this.options.reconnection;
    if (tuning) {
      for (const key of ["maxRetries", "delay", "minDelay", "maxDelay", "minUptime"] as const) {
        const value = tuning[key];
        if (value !== undefined) room.reconnection[key] = value;
      }
    }
    const previous = this.lastRoomId;
    room.onMessage(MessageType.carry, (token: unknown) => {
      if (this.current === connection && typeof token === "string") this.carry = token;
    });
    room.onDrop((code: number) => {
      if (this.current !== connection || this.closed) return;
      // Fires once per failed attempt too; count the drop once.
      if (this.currentStatus !== "reconnecting") this.counts.drops++;
      this.setStatus("reconnecting", { code });
    });
    room.onReconnect(() => {
      if (this.current !== connection || this.closed) return;
      this.counts.reconnects++;
      this.setStatus("connected", {});
    });
    this.current = connection;
    this.lastRoomId = room.roomId;
    this.counts.joins++;
    if (previous !== undefined) this.counts.moves++;
    this.setStatus("connected", {});
    this.events.onConnection?.(connection);
    if (previous !== room.roomId) this.events.onPondChanged?.(room.roomId, previous);
  }

  private onLeft(connection: PondConnection, code: number, reason?: string): void {
    if (this.current !== connection) return;
    // Keep whatever name the player ended with (a chat `name:` rename, or the server's numbered
    // "Alice 2", included), unless the server's copy is still the one our last rename replaces.
    const ownName = connection.self?.name;
    if (ownName && ownName !== this.nameAtRename) this.playerName = ownName;
    this.nameAtRename = undefined;
    releaseConnection(connection);
    this.current = undefined;
    if (this.closed) return;
    if (!shouldRejoin(code)) {
      this.setStatus("offline", { code, reason });
      return;
    }
    this.running = this.joinLoop("moving", code);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * Frees a connection whose room has already left: PondConnection.leave() unsubscribes and
 * disposes prediction synchronously, then asks the (closed) room to leave, which never
 * answers; we drop that promise.
 */
function releaseConnection(connection: PondConnection): void {
  connection.leave().catch(() => undefined);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
