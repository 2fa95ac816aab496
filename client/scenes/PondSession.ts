import type { ChatBroadcast, Notice } from "../../shared/protocol.ts";
import type { Tadpole } from "../../shared/state.ts";
import { PondConnection, type JoinOptions } from "../net/PondConnection.ts";

export type SessionStatus =
  | { kind: "connecting" }
  | { kind: "connected" }
  | { kind: "reconnecting"; attempt: number; retryInMs: number };

/** What the scene hears from the session; events of a dropped connection are never delivered. */
export interface SessionHandlers {
  onStatus(status: SessionStatus): void;
  onConnected(connection: PondConnection): void;
  /** The connection is gone: forget every tadpole it reported. */
  onDisconnected(): void;
  onAdd(id: string, tadpole: Tadpole): void;
  onRemove(id: string, tadpole: Tadpole): void;
  onChat(line: ChatBroadcast): void;
  onNotice(notice: Notice): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * Keeps the player in the pond: joins, and when the connection drops (or a join fails) joins
 * again after a growing, jittered delay so a restarted server is not stampeded. A rejoin is a
 * plain new join for now; the net layer may later offer token reconnection.
 */
export class PondSession {
  private current: PondConnection | undefined;
  /** Bumped per join attempt; events carrying an older value come from a dead connection. */
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly url: string,
    private readonly name: () => string | undefined,
    private readonly handlers: SessionHandlers,
  ) {}

  get connection(): PondConnection | undefined {
    return this.current;
  }

  start(): void {
    this.handlers.onStatus({ kind: "connecting" });
    void this.join();
  }

  private async join(): Promise<void> {
    const gen = ++this.generation;
    const live = (): boolean => gen === this.generation && !this.disposed;
    // `netsimQuery` drives the net layer's network simulator from the page URL (?netsim=…) where
    // the net layer supports it; older net layers ignore the extra field.
    const options: JoinOptions & { netsimQuery?: string } = {
      url: this.url,
      name: this.name(),
      netsimQuery: location.search,
    };
    try {
      const connection = await PondConnection.join(options, {
        onAdd: (id, t) => live() && this.handlers.onAdd(id, t),
        onRemove: (id, t) => live() && this.handlers.onRemove(id, t),
        onChat: (line) => live() && this.handlers.onChat(line),
        onNotice: (notice) => live() && this.handlers.onNotice(notice),
        onLeave: () => live() && this.lost(),
      });
      if (!live()) {
        void connection.leave().catch(() => undefined);
        return;
      }
      this.current = connection;
      this.attempt = 0;
      this.handlers.onConnected(connection);
      this.handlers.onStatus({ kind: "connected" });
    } catch (error) {
      if (!live()) return;
      console.warn("Joining the pond failed:", error);
      this.lost();
    }
  }

  /** The connection dropped or never came up: clear the pond and schedule another join. */
  private lost(): void {
    const dead = this.current;
    this.current = undefined;
    this.generation++;
    if (dead) {
      this.handlers.onDisconnected();
      // Release the dead room's prediction and listeners; its socket is already closed.
      void dead.leave().catch(() => undefined);
    }
    this.attempt++;
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.attempt - 1));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.handlers.onStatus({ kind: "reconnecting", attempt: this.attempt, retryInMs: delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.join(), delay);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    const connection = this.current;
    this.current = undefined;
    if (connection) void connection.leave().catch(() => undefined);
  }
}
