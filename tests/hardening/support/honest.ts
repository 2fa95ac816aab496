import { PondConnection, type PondTadpole } from "../../../client/net/PondConnection.ts";
import { MAX_SPEED, NAME_MAX_LENGTH, WORLD_HALF } from "../../../shared/constants.ts";

/**
 * Honest players: the game's own net layer (PondConnection), driven by one 60 Hz frame timer,
 * swimming in slow circles so their own tadpole changes every tick (hence a patch every tick).
 * Each records when it received a state patch, and anything that ended its connection.
 */
export class HonestPlayer {
  /** performance.now() of every state change received. */
  readonly patchTimes: number[] = [];
  readonly chats: Array<{ id: string; text: string }> = [];
  readonly notices: string[] = [];
  drops = 0;
  leftWith: number | undefined;
  /** Invariant violations seen in any tadpole this client was sent. */
  readonly violations: string[] = [];
  /**
   * Errors this player's frame threw (the game's own net layer, reconciling and sending inputs).
   * None is expected: the Driver records them here instead of letting one stop the others, and
   * the tests assert the list is empty.
   */
  readonly frameErrors: string[] = [];
  private readonly phase = Math.random() * Math.PI * 2;

  private constructor(readonly conn: PondConnection, readonly label: string) {
    const room = conn.room;
    room.onStateChange(() => {
      this.patchTimes.push(performance.now());
      if (this.patchTimes.length % 10 === 0) this.checkInvariants();
    });
    room.onDrop(() => { this.drops++; });
  }

  static async join(url: string, label: string, name = label): Promise<HonestPlayer> {
    const holder: { player?: HonestPlayer; chats: Array<{ id: string; text: string }>; notices: string[]; left?: number } = { chats: [], notices: [] };
    const conn = await PondConnection.join({ url, name }, {
      onChat: (line) => { (holder.player?.chats ?? holder.chats).push(line); },
      onNotice: (notice) => { (holder.player?.notices ?? holder.notices).push(notice.code); },
      onLeave: (code) => { if (holder.player) holder.player.leftWith = code; else holder.left = code; },
    });
    const player = new HonestPlayer(conn, label);
    player.chats.push(...holder.chats);
    player.notices.push(...holder.notices);
    player.leftWith = holder.left;
    holder.player = player;
    return player;
  }

  get connected(): boolean {
    return this.leftWith === undefined && this.conn.room.connection.isOpen;
  }

  frame(now: number): void {
    if (this.leftWith !== undefined) return;
    // A circle of radius MAX_SPEED / 0.6 ≈ 370 units around the spawn area: never reaches a wall.
    this.conn.frame(now, { angle: this.phase + now / 1000 * 0.6, thrust: 0.8 });
  }

  /** Patches received in [from, to) (performance.now() ms). */
  patchesBetween(from: number, to: number): number {
    let n = 0;
    for (const t of this.patchTimes) if (t >= from && t < to) n++;
    return n;
  }

  /** Patches per second in consecutive windows of `windowMs` over [from, to). */
  rates(from: number, to: number, windowMs: number): number[] {
    const out: number[] = [];
    for (let start = from; start + windowMs <= to; start += windowMs) {
      out.push(this.patchesBetween(start, start + windowMs) / (windowMs / 1000));
    }
    return out;
  }

  checkInvariants(): void {
    for (const [id, t] of this.conn.all) {
      const problem = tadpoleProblem(t);
      if (problem && this.violations.length < 20) this.violations.push(`${id}: ${problem}`);
    }
  }

  /** Leaves (consented); bounded, so a hung server cannot hold up a test's cleanup. */
  async leave(timeoutMs = 3000): Promise<void> {
    if (this.leftWith !== undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.conn.leave().catch(() => undefined),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
  }
}

/** What is wrong with a tadpole as the server sent it (identity and stream body), or null. */
export function tadpoleProblem(t: PondTadpole): string | null {
  if (!Number.isFinite(t.x) || !Number.isFinite(t.y) || Math.abs(t.x) > WORLD_HALF || Math.abs(t.y) > WORLD_HALF) return `position ${t.x},${t.y}`;
  if (!Number.isFinite(t.speed) || t.speed < 0 || t.speed > MAX_SPEED) return `speed ${t.speed}`;
  if (!Number.isFinite(t.angle)) return `angle ${t.angle}`;
  if (typeof t.name !== "string" || Array.from(t.name).length > NAME_MAX_LENGTH || /[\p{Cc}\p{Cf}]/u.test(t.name)) return `name ${JSON.stringify(t.name)}`;
  return null;
}

/** One 60 Hz timer driving every honest player's frame. */
export class Driver {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly players: HonestPlayer[]) {}
  start(): void {
    this.timer ??= setInterval(() => {
      const now = performance.now();
      for (const p of this.players) {
        try {
          p.frame(now);
        } catch (error) {
          // One player's error must not stop the others' frames; it is kept for the test to see.
          if (p.frameErrors.length < 20) p.frameErrors.push(error instanceof Error ? error.stack ?? error.message : String(error));
        }
      }
    }, 1000 / 60);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export function summarize(values: number[]): { min: number; median: number; mean: number } {
  if (values.length === 0) return { min: NaN, median: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0],
    median: sorted[Math.floor(sorted.length / 2)],
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
}
