import { Bot } from "../../kit/player/bot.ts";
import type { Player } from "../../kit/player/player.ts";
import { waitFor, withTimeout } from "../../kit/waitFor.ts";
import { between, type Rng } from "../../shared/rng.ts";

/**
 * One soak player: the kit's bot (the headless player, wandering, foraging and chatting) with the
 * soak's own life on top. It leaves after a while and comes back; the soak cuts its socket now and
 * then and the SDK must reconnect it. Anything else that ends or breaks its session (an unexpected
 * leave, a server notice, a drop not reconnected within 20 s, a failed join or leave) is an error.
 */
export class SoakBot {
  readonly bot: Bot;
  /** Totals over the bot's life (the soak's rows are differences between reports). */
  leaves = 0; drops = 0; reconnects = 0;
  /** Connected without a drop since (performance.now()); dropped at, while the SDK reconnects. */
  steadySince = 0; dropAt: number | undefined;
  /** The current 5 s rate window: its patches, and whether a drop, reconnect, join or leave spoiled it. */
  patchesInWindow = 0; eventInWindow = false;
  private leaveAt = Infinity;
  /** A join or leave under way. */
  private busy = false;
  private noticesSeen = 0;

  constructor(
    readonly index: number,
    url: string,
    private readonly rng: Rng,
    private readonly sessionSeconds: readonly [number, number],
    private rejoinAt: number,
    private readonly error: (bot: SoakBot, message: string) => void,
  ) {
    this.bot = new Bot({ url, name: `soak-${index}`, rng, chatEverySec: 30, rename: false });
    this.bot.onDropped = () => {
      this.error(this, `left unexpectedly (close code ${this.bot.lastLeaveCode})`);
      this.comeBackLater(performance.now());
    };
  }

  get in(): boolean { return this.bot.status === "connected"; }
  get sessionId(): string | undefined { return this.in ? this.bot.player?.id : undefined; }
  /** In, not dropped, and connected for at least `ms`. */
  steadyFor(now: number, ms: number): boolean { return this.in && this.dropAt === undefined && now - this.steadySince >= ms; }

  /** Called every frame (~60 Hz) by the soak's ticker. */
  frame(now: number, stopping: boolean): void {
    if (!this.in) {
      if (!this.busy && !stopping && now >= this.rejoinAt) void this.join();
      return;
    }
    if (this.dropAt !== undefined) {
      if (now - this.dropAt > 20_000) {
        this.error(this, "dropped and not reconnected within 20 s");
        this.dropAt = undefined;
      }
      return;
    }
    this.bot.frame(now);
    const notices = this.bot.player?.notices ?? [];
    while (this.noticesSeen < notices.length) this.error(this, `server notice: ${notices[this.noticesSeen++].code}`);
    if (now >= this.leaveAt && !stopping) void this.leave();
  }

  private async join(): Promise<void> {
    this.busy = true;
    try {
      await this.bot.join();
    } catch (error) {
      this.error(this, `join failed: ${(error as Error).message}`);
      this.rejoinAt = performance.now() + 2000;
      return;
    } finally {
      this.busy = false;
    }
    const player = this.bot.player;
    if (!player) return; // stop() came while joining: the bot left again
    const now = performance.now();
    this.steadySince = now;
    this.eventInWindow = true;
    this.noticesSeen = 0;
    this.leaveAt = now + between(this.rng, this.sessionSeconds[0], this.sessionSeconds[1]) * 1000;
    this.watch(player);
  }

  /** Patches, drops and reconnects of this connection (not of an older one). */
  private watch(player: Player): void {
    const current = () => this.bot.player === player;
    player.onPatch(() => { if (current()) this.patchesInWindow++; });
    player.room.onDrop(() => {
      if (!current()) return;
      this.dropAt = performance.now();
      this.eventInWindow = true;
      this.drops++;
    });
    player.room.onReconnect(() => {
      if (!current()) return;
      this.dropAt = undefined;
      this.steadySince = performance.now();
      this.eventInWindow = true;
      this.reconnects++;
    });
  }

  private async leave(): Promise<void> {
    this.busy = true;
    this.eventInWindow = true;
    try {
      await withTimeout(this.bot.leave(), 5000, "the leave");
      this.leaves++;
    } catch (error) {
      this.error(this, `leave failed: ${(error as Error).message}`);
    }
    this.busy = false;
    this.comeBackLater(performance.now());
  }

  private comeBackLater(now: number): void {
    this.dropAt = undefined;
    this.leaveAt = Infinity;
    this.rejoinAt = now + between(this.rng, 1000, 5000);
  }

  /** Ends the bot: leaves now, or as soon as a join under way completes (at most 10 s). */
  async stop(): Promise<void> {
    await withTimeout(this.bot.leave(), 5000, "the leave").catch(() => undefined);
    await waitFor(() => !this.busy, { timeoutMs: 10_000, intervalMs: 50, message: "the join under way" }).catch(() => undefined);
  }
}
