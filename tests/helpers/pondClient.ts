import { PondConnection, type PondTadpole } from "../../client/net/PondConnection.ts";
import type { Steer } from "../../shared/input.ts";
import type { ChatBroadcast, Notice } from "../../shared/messages.ts";
import { FrameTicker } from "../../scripts/bot/ticker.ts";
import { waitFor, withTimeout, type WaitOptions } from "./waitFor.ts";

/** One ~60 Hz timer drives every probe's frame() in this process (like the bots). */
const ticker = new FrameTicker(60);

/**
 * A test client: the game's own PondConnection plus a record of everything it received, so
 * tests can wait on what a player would see. Call `drive()` to have it send inputs every frame
 * with the current `steer` (as the browser does), and always `close()` it.
 */
export class PondProbe {
  readonly chats: ChatBroadcast[] = [];
  readonly notices: Notice[] = [];
  readonly added: string[] = [];
  readonly removed: string[] = [];
  /** Close code once the room connection ended (undefined while connected). */
  leaveCode: number | undefined;
  patches = 0;
  /** What drive() sends every frame. */
  steer: Steer = { angle: 0, thrust: 0 };
  private stopDriving: (() => void) | undefined;
  private readonly listeners = new Set<(kind: "add" | "remove", id: string) => void>();

  private constructor(readonly conn: PondConnection) {
    conn.room.onStateChange(() => { this.patches++; });
  }

  static async join(url: string, options: { name?: string; timeoutMs?: number } = {}): Promise<PondProbe> {
    const holder: { probe?: PondProbe; early: Array<(p: PondProbe) => void> } = { early: [] };
    // Events can fire before join() resolves; queue them until the probe exists.
    const on = (apply: (p: PondProbe) => void) => {
      if (holder.probe) apply(holder.probe);
      else holder.early.push(apply);
    };
    const conn = await withTimeout(PondConnection.join({ url, name: options.name }, {
      onAdd: (id) => on((p) => { p.added.push(id); p.emit("add", id); }),
      onRemove: (id) => on((p) => { p.removed.push(id); p.emit("remove", id); }),
      onChat: (line) => on((p) => p.chats.push(line)),
      onNotice: (notice) => on((p) => p.notices.push(notice)),
      onLeave: (code) => on((p) => { p.leaveCode = code; p.stopDriving?.(); }),
    }), options.timeoutMs ?? 10_000, `joining ${url}`);
    const probe = new PondProbe(conn);
    holder.probe = probe;
    for (const apply of holder.early.splice(0)) apply(probe);
    return probe;
  }

  get id(): string {
    return this.conn.sessionId;
  }

  get room() {
    return this.conn.room;
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

  private emit(kind: "add" | "remove", id: string): void {
    for (const listener of this.listeners) listener(kind, id);
  }

  /** Starts sending `steer` every frame through PondConnection.frame (the shared ticker). */
  drive(steer?: Partial<Steer>): this {
    if (steer) Object.assign(this.steer, steer);
    if (!this.stopDriving) this.stopDriving = ticker.add((now) => this.conn.frame(now, this.steer));
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
  waitForChat(match: (line: ChatBroadcast) => boolean, options: WaitOptions = {}): Promise<ChatBroadcast> {
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
  async close(): Promise<void> {
    this.stopDrive();
    if (this.leaveCode !== undefined) return;
    await withTimeout(this.conn.leave(), 5000, `${this.id} to leave`).catch(() => {
      try { this.conn.room.connection?.close(); } catch { /* already closed */ }
    });
  }
}

/** Closes every probe given (ignoring undefined), in parallel. */
export async function closeAll(probes: Array<PondProbe | undefined>): Promise<void> {
  await Promise.all(probes.map((p) => p?.close()));
}

/** A tadpole's fields as a plain object (PondTadpole is a live view): for error messages and snapshots. */
export function plainTadpole(t: PondTadpole): { sessionId: string; id: number; name: string; hue: number; away: boolean; x: number; y: number; angle: number; speed: number };
export function plainTadpole(t: PondTadpole | undefined): { sessionId: string; id: number; name: string; hue: number; away: boolean; x: number; y: number; angle: number; speed: number } | undefined;
export function plainTadpole(t: PondTadpole | undefined) {
  if (t === undefined) return undefined;
  return { sessionId: t.sessionId, id: t.id, name: t.name, hue: t.hue, away: t.away, x: t.x, y: t.y, angle: t.angle, speed: t.speed };
}
