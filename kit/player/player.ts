import { PondConnection, type JoinOptions, type PondEvents, type PondTadpole } from "../../client/net/PondConnection.ts";
import type { Steer } from "../../shared/input.ts";
import { waitFor, withTimeout, type WaitOptions } from "../waitFor.ts";
import { FrameTicker } from "./ticker.ts";

/** What the net layer hands its listeners (typed from its events, so a move of the message types does not reach here). */
export type ChatLine = Parameters<NonNullable<PondEvents["onChat"]>>[0];
export type PondNotice = Parameters<NonNullable<PondEvents["onNotice"]>>[0];

/** One ~60 Hz timer drives every player's frame() in this process unless a caller brings its own. */
const sharedTicker = new FrameTicker(60);

/** What a caller adds to a player each frame before its inputs go out: steering, chat, measuring. */
export type Behaviour = (now: number, player: Player) => void;

export interface PlayerOptions extends Omit<JoinOptions, "url"> {
  /** Give up joining after this long (default 10 s; Infinity waits as long as the SDK does). */
  timeoutMs?: number;
  /** The caller's own listeners, called after the player recorded the event. */
  events?: PondEvents;
}

/**
 * The one headless player: the game's own net layer (PondConnection) plus a record of what a
 * player would see (tadpoles added and removed, chat lines, notices, patches, drops, the close
 * code). Bots, the soak, the benchmarks and the tests compose it with their own behaviour through
 * `events`, `onPatch` and `drive`. Always `close()` it.
 */
export class Player {
  readonly chats: ChatLine[] = [];
  readonly notices: PondNotice[] = [];
  readonly added: string[] = [];
  readonly removed: string[] = [];
  /** Close code once the room connection ended (undefined while connected). */
  leaveCode: number | undefined;
  patches = 0;
  /** Socket drops the SDK saw, and the reconnections that followed. */
  drops = 0;
  reconnects = 0;
  /** What frame() sends. */
  steer: Steer = { angle: 0, thrust: 0 };
  private stopDriving: (() => void) | undefined;
  private behaviour: Behaviour | undefined;
  private readonly listeners = new Set<(kind: "add" | "remove", id: string) => void>();
  private readonly patchListeners = new Set<() => void>();

  private constructor(readonly conn: PondConnection) {
    conn.room.onStateChange(() => {
      this.patches++;
      for (const listener of this.patchListeners) listener();
    });
    conn.room.onDrop(() => { this.drops++; });
    conn.room.onReconnect(() => { this.reconnects++; });
  }

  static async join(url: string, options: PlayerOptions = {}): Promise<Player> {
    const { timeoutMs = 10_000, events = {}, ...join } = options;
    const holder: { player?: Player; early: Array<(p: Player) => void> } = { early: [] };
    // Events can fire before join() resolves; queue them until the player exists.
    const on = (apply: (p: Player) => void) => {
      if (holder.player) apply(holder.player);
      else holder.early.push(apply);
    };
    const joining = PondConnection.join({ ...join, url }, {
      onAdd: (id, t) => on((p) => { p.added.push(id); p.emit("add", id); events.onAdd?.(id, t); }),
      onRemove: (id, t) => on((p) => { p.removed.push(id); p.emit("remove", id); events.onRemove?.(id, t); }),
      onChat: (line) => on((p) => { p.chats.push(line); events.onChat?.(line); }),
      onNotice: (notice) => on((p) => { p.notices.push(notice); events.onNotice?.(notice); }),
      onLeave: (code, reason) => on((p) => { p.leaveCode = code; p.stopDrive(); events.onLeave?.(code, reason); }),
    });
    const conn = Number.isFinite(timeoutMs) ? await withTimeout(joining, timeoutMs, `joining ${url}`) : await joining;
    const player = new Player(conn);
    holder.player = player;
    for (const apply of holder.early.splice(0)) apply(player);
    return player;
  }

  get id(): string {
    return this.conn.sessionId;
  }

  get room() {
    return this.conn.room;
  }

  get self(): PondTadpole | undefined {
    return this.conn.self;
  }

  /** Still in the pond: not left, and the socket is open. */
  get connected(): boolean {
    return this.leaveCode === undefined && this.conn.room.connection.isOpen;
  }

  /** The tadpole with this session id as this client currently knows it. */
  tadpole(id: string): PondTadpole | undefined {
    return this.conn.all.get(id);
  }

  /**
   * Calls `listener` whenever this client gains ("add") or loses ("remove") a tadpole, while the
   * patch that did it is being applied (so a test can look at the server at that very moment).
   * Returns a function that stops listening.
   */
  onTadpoleEvent(listener: (kind: "add" | "remove", id: string) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Calls `listener` on every state patch received; returns a function that stops it. */
  onPatch(listener: () => void): () => void {
    this.patchListeners.add(listener);
    return () => { this.patchListeners.delete(listener); };
  }

  private emit(kind: "add" | "remove", id: string): void {
    for (const listener of this.listeners) listener(kind, id);
  }

  /** One frame: the behaviour (if any) updates `steer`, then the inputs due go out. */
  frame(now: number): void {
    if (this.leaveCode !== undefined) return;
    this.behaviour?.(now, this);
    this.conn.frame(now, this.steer);
  }

  /** Starts calling frame() on every tick of `ticker` (default: the process's shared 60 Hz one). */
  drive(steer?: Partial<Steer>, behaviour?: Behaviour, ticker: FrameTicker = sharedTicker): this {
    if (steer) Object.assign(this.steer, steer);
    if (behaviour) this.behaviour = behaviour;
    if (!this.stopDriving) this.stopDriving = ticker.add((now) => this.frame(now));
    return this;
  }

  stopDrive(): void {
    this.stopDriving?.();
    this.stopDriving = undefined;
  }

  /** Waits until this client knows tadpole `id` (e.g. another player appeared). */
  waitForTadpole(id: string, options: WaitOptions = {}): Promise<PondTadpole> {
    return waitFor(() => this.tadpole(id), { message: `${this.id} to see tadpole ${id}`, ...options });
  }

  /** Waits until this client's state has advanced by `count` more patches. */
  async waitForPatches(count: number, options: WaitOptions = {}): Promise<void> {
    const target = this.patches + count;
    await waitFor(() => this.patches >= target, {
      message: `${count} more patches on ${this.id}`,
      describe: () => ({ patches: this.patches, target }),
      ...options,
    });
  }

  /** Waits for a chat line matching `match` and returns it. */
  waitForChat(match: (line: ChatLine) => boolean, options: WaitOptions = {}): Promise<ChatLine> {
    return waitFor(() => this.chats.find(match), {
      message: `a matching chat line on ${this.id}`,
      describe: () => this.chats,
      ...options,
    });
  }

  waitForLeave(options: WaitOptions = {}): Promise<number> {
    return waitFor(() => this.leaveCode, { message: `${this.id} to be disconnected`, ...options });
  }

  /** Leaves (consented) if still connected; never throws, bounded in time. */
  async close(timeoutMs = 5000): Promise<void> {
    this.stopDrive();
    if (this.leaveCode !== undefined) return;
    await withTimeout(this.conn.leave(), timeoutMs, `${this.id} to leave`).catch(() => {
      try { this.conn.room.connection?.close(); } catch { /* already closed */ }
    });
  }
}

/** Closes every player given (ignoring undefined), in parallel. */
export async function closeAll(players: Array<Player | undefined>): Promise<void> {
  await Promise.all(players.map((p) => p?.close()));
}
