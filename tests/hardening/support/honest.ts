import type { PondTadpole } from "../../../client/net/PondConnection.ts";
import { MAX_SPEED, NAME_MAX_LENGTH, WORLD_HALF } from "../../../shared/constants.ts";
import { Player } from "../../../kit/player/player.ts";

/**
 * Honest players: the kit's headless player, driven by one 60 Hz frame timer, swimming in slow
 * circles so their own tadpole changes every tick (hence a patch every tick). Each records when
 * it received a state patch, and anything that ended its connection.
 */
export class HonestPlayer {
  /** performance.now() of every state change received. */
  readonly patchTimes: number[] = [];
  /** Invariant violations seen in any tadpole this client was sent. */
  readonly violations: string[] = [];
  /**
   * Errors this player's frame threw (the game's own net layer, reconciling and sending inputs).
   * None is expected: the Driver records them here instead of letting one stop the others, and
   * the tests assert the list is empty.
   */
  readonly frameErrors: string[] = [];
  private readonly phase = Math.random() * Math.PI * 2;

  private constructor(readonly player: Player, readonly label: string) {
    player.onPatch(() => {
      this.patchTimes.push(performance.now());
      if (this.patchTimes.length % 10 === 0) this.checkInvariants();
    });
  }

  static async join(url: string, label: string, name = label): Promise<HonestPlayer> {
    return new HonestPlayer(await Player.join(url, { name, timeoutMs: Infinity }), label);
  }

  get conn() { return this.player.conn; }
  get chats() { return this.player.chats; }
  get drops(): number { return this.player.drops; }
  get leftWith(): number | undefined { return this.player.leaveCode; }
  get connected(): boolean { return this.player.connected; }

  frame(now: number): void {
    // A circle of radius MAX_SPEED / 0.6 ≈ 370 units around the spawn area: never reaches a wall.
    Object.assign(this.player.steer, { angle: this.phase + now / 1000 * 0.6, thrust: 0.8 });
    this.player.frame(now);
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
  leave(timeoutMs = 3000): Promise<void> {
    return this.player.close(timeoutMs);
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
