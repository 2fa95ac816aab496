import type { PondConnection } from "../../client/net/PondConnection.ts";
import { Player } from "../../kit/player/player.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { between, pick, type Rng } from "../../shared/rng.ts";

export interface SoakEvents {
  error(bot: SoakBot, message: string): void;
}

/** Counters for one report period (reset by the soak after each row). */
export interface PeriodCounters {
  joins: number;
  leaves: number;
  drops: number;
  reconnects: number;
  chatsSent: number;
  chatsSeen: number;
}

export function emptyCounters(): PeriodCounters {
  return { joins: 0, leaves: 0, drops: 0, reconnects: 0, chatsSent: 0, chatsSeen: 0 };
}

const LINES = ["hi pond", "anyone here?", "🐸🐸", "swim swim", "nice tail", "brb", "où est la mare ?", "池塘", "<b>not bold</b>", "name: looks like a command? no, a rename"];

/**
 * One soak player: the game's own net layer (PondConnection) through the cut proxy. It joins,
 * swims (wandering, turning back from the walls so its tadpole changes every tick), chats now and
 * then, leaves after a while and comes back; the soak also cuts its socket now and then, and the
 * SDK must reconnect it. Anything else that ends or breaks its session is an error.
 */
export class SoakBot {
  conn: PondConnection | undefined;
  state: "idle" | "joining" | "in" | "leaving" = "idle";
  /** performance.now() since which it has been connected without a drop. */
  steadySince = 0;
  /** A drop, reconnect, join or leave happened in the current rate window. */
  eventInWindow = false;
  patchesInWindow = 0;
  dropAt: number | undefined;
  private heading: number;
  private nextChatAt = Infinity;
  private leaveAt = Infinity;
  private rejoinAt = 0;
  private stopped = false;

  constructor(
    readonly index: number,
    private readonly url: string,
    private readonly rng: Rng,
    private readonly sessionSeconds: [number, number],
    private readonly counters: () => PeriodCounters,
    private readonly events: SoakEvents,
  ) {
    this.heading = between(rng, 0, Math.PI * 2);
  }

  get sessionId(): string | undefined {
    return this.state === "in" ? this.conn?.sessionId : undefined;
  }

  /** Called every frame (~60 Hz) by the soak's ticker. */
  frame(now: number, stopping: boolean): void {
    if (this.state === "idle" && !stopping && now >= this.rejoinAt) {
      void this.join();
      return;
    }
    const conn = this.conn;
    if (this.state !== "in" || !conn) return;
    if (this.dropAt !== undefined) {
      if (now - this.dropAt > 20_000) {
        this.events.error(this, "dropped and not reconnected within 20 s");
        this.dropAt = undefined;
      }
      return;
    }
    const self = conn.self;
    if (self && Math.hypot(self.x, self.y) > WORLD_HALF * 0.6) {
      this.heading = Math.atan2(-self.y, -self.x) + between(this.rng, -0.5, 0.5);
    } else {
      this.heading += between(this.rng, -0.08, 0.08);
    }
    conn.frame(now, { angle: this.heading, thrust: 0.7 });
    if (now >= this.nextChatAt) {
      this.nextChatAt = now + between(this.rng, 20_000, 40_000);
      conn.say(pick(this.rng, LINES));
      this.counters().chatsSent++;
    }
    if (now >= this.leaveAt && !stopping) void this.leave(now);
  }

  private async join(): Promise<void> {
    this.state = "joining";
    let player: Player;
    try {
      player = await Player.join(this.url, {
        name: `soak-${this.index}`,
        timeoutMs: Infinity,
        events: {
          onChat: () => { this.counters().chatsSeen++; },
          onNotice: (notice) => {
            // Bots that pick the same `name: …` line share a name: the pond numbers the later ones.
            if (notice.code !== "name_taken") this.events.error(this, `server notice: ${notice.code}`);
          },
          onLeave: (code) => {
            if (this.conn !== player?.conn || this.state === "leaving") return;
            this.events.error(this, `left unexpectedly (close code ${code})`);
            this.reset(performance.now());
          },
        },
      });
    } catch (error) {
      this.events.error(this, `join failed: ${(error as Error).message}`);
      this.state = "idle";
      this.rejoinAt = performance.now() + 2000;
      return;
    }
    const conn = this.conn = player.conn;
    this.state = "in";
    this.counters().joins++;
    if (this.stopped) {
      // The soak ended while this join was under way.
      await this.leave(performance.now());
      return;
    }
    const t = performance.now();
    this.steadySince = t;
    this.eventInWindow = true;
    this.nextChatAt = t + between(this.rng, 5_000, 40_000);
    this.leaveAt = t + between(this.rng, this.sessionSeconds[0], this.sessionSeconds[1]) * 1000;
    player.onPatch(() => { if (this.conn === conn) this.patchesInWindow++; });
    conn.room.onDrop(() => {
      if (this.conn !== conn) return;
      this.dropAt = performance.now();
      this.eventInWindow = true;
      this.counters().drops++;
    });
    conn.room.onReconnect(() => {
      if (this.conn !== conn) return;
      this.dropAt = undefined;
      this.steadySince = performance.now();
      this.eventInWindow = true;
      this.counters().reconnects++;
    });
  }

  /** Ends the bot: leaves now, or as soon as a join under way completes. Resolves when it is out. */
  async stop(): Promise<void> {
    this.stopped = true;
    const deadline = performance.now() + 10_000;
    while (this.state === "joining" && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.leave(performance.now());
    while (this.state !== "idle" && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async leave(now: number): Promise<void> {
    const conn = this.conn;
    if (this.state !== "in" || !conn) return;
    this.state = "leaving";
    this.eventInWindow = true;
    try {
      await Promise.race([conn.leave(), new Promise((_, reject) => setTimeout(() => reject(new Error("leave timed out after 5 s")), 5000))]);
      this.counters().leaves++;
    } catch (error) {
      this.events.error(this, `leave failed: ${(error as Error).message}`);
    }
    this.reset(now);
  }

  private reset(now: number): void {
    this.conn = undefined;
    this.state = "idle";
    this.dropAt = undefined;
    this.rejoinAt = now + between(this.rng, 1000, 5000);
  }
}
