import type { PondConnection, Pose } from "../../client/net/PondConnection.ts";
import { chatLine, renameLine } from "./chatter.ts";
import { between, type Rng } from "../../shared/rng.ts";
import { Player } from "./player.ts";
import { Wander } from "./wander.ts";
import { Forage } from "./forage.ts";
import { orbitSteer } from "./orbit.ts";

export interface BotOptions {
  url: string;
  /** Name sent with the join. */
  name: string;
  rng: Rng;
  /** Average seconds between chat lines (randomized ±50%); 0 = never chat. */
  chatEverySec: number;
  /** Rename once (`name: Bot-123`) a few seconds after joining. */
  rename: boolean;
  /** Circle (x, y) at `radius` instead of wandering and foraging (see orbit.ts). */
  orbit?: { x: number; y: number; radius: number; thrust: number; clockwise: boolean };
}

export type BotStatus = "idle" | "joining" | "connected" | "left";

/** Counters a summary reads; monotonic over the bot's life (across rejoins). */
export interface BotCounters {
  chatSeen: number;
  chatSent: number;
  renames: number;
  notices: number;
  joins: number;
  joinFailures: number;
  drops: number;
}

/**
 * The bots' behaviour on the kit's headless player: steers with Wander (or toward food it sees
 * with Forage; or circles a point, with `orbit`), chats now and then, optionally renames itself
 * once, and counts what it sees. Its frame() is driven by the swarm's shared ticker, never by a
 * timer of its own.
 */
export class Bot {
  status: BotStatus = "idle";
  player: Player | undefined;
  /** Called when the server or network ends the connection without us asking. */
  onDropped: (() => void) | undefined;
  /** Close code of the last unexpected leave. */
  lastLeaveCode: number | undefined;
  readonly counters: BotCounters = {
    chatSeen: 0, chatSent: 0, renames: 0, notices: 0, joins: 0, joinFailures: 0, drops: 0,
  };
  /** Failed joins since the last successful one (drives the retry backoff). */
  failStreak = 0;
  private readonly forage = new Forage();
  private readonly wander: Wander;
  private readonly pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private lastFrame = -1;
  private nextChatAt = Infinity;
  private renameAt = Infinity;
  private renamed = false;
  private leaving = false;

  constructor(readonly options: BotOptions) {
    this.wander = new Wander(options.rng);
  }

  get conn(): PondConnection | undefined {
    return this.player?.conn;
  }

  /** Joins the pond; resolves once joined (or rejects, leaving the bot idle). */
  async join(): Promise<void> {
    if (this.status === "joining" || this.status === "connected") return;
    this.status = "joining";
    this.leaving = false;
    const joined: { player?: Player } = {};
    let player: Player;
    try {
      player = joined.player = await Player.join(this.options.url, {
        name: this.options.name,
        timeoutMs: Infinity,
        events: {
          onChat: () => { this.counters.chatSeen++; },
          onNotice: () => { this.counters.notices++; },
          onLeave: (code) => this.onLeft(joined.player, code),
        },
      });
    } catch (error) {
      this.status = "idle";
      this.counters.joinFailures++;
      this.failStreak++;
      throw error;
    }
    if (this.leaving) {
      // stop() was called while we were joining.
      await player.conn.leave().catch(() => undefined);
      this.status = "left";
      return;
    }
    this.player = player;
    this.status = "connected";
    this.failStreak = 0;
    this.counters.joins++;
    const now = performance.now();
    this.lastFrame = -1;
    const rng = this.options.rng;
    if (this.options.chatEverySec > 0) this.nextChatAt = now + this.chatGapMs();
    if (this.options.rename && !this.renamed) this.renameAt = now + between(rng, 1000, 8000);
  }

  /** One frame from the shared ticker: steer, send the inputs due, chat when it is time. */
  frame(now: number): void {
    const player = this.player;
    if (this.status !== "connected" || !player) return;
    const conn = player.conn;
    const dt = this.lastFrame < 0 ? 0 : (now - this.lastFrame) / 1000;
    this.lastFrame = now;
    const self = conn.self;
    if (self) conn.pose(self, this.pose);
    const steer = player.steer;
    const orbit = this.options.orbit;
    if (orbit) {
      if (self) orbitSteer(self.x, self.y, orbit.x, orbit.y, orbit.radius, orbit.thrust, orbit.clockwise, steer);
    } else {
      this.wander.update(dt, this.pose.x, this.pose.y, steer);
      // Food nearby wins over wandering; the wander picks up from the heading it swam off on.
      if (this.forage.update(now, this.pose.x, this.pose.y, conn.stream.food.specks, steer)) this.wander.heading = steer.angle;
    }
    player.frame(now);

    if (now >= this.renameAt) {
      this.renameAt = Infinity;
      this.renamed = true;
      this.counters.renames++;
      conn.say(renameLine(this.options.rng));
    } else if (now >= this.nextChatAt) {
      this.nextChatAt = now + this.chatGapMs();
      this.counters.chatSent++;
      conn.say(chatLine(this.options.rng));
    }
  }

  /** Patches and bytes per second as PondConnection.stats() measures them (a short sliding window), while connected. */
  get linkRates(): { patchesPerSecond: number; bytesPerSecondDown: number } | undefined {
    return this.status === "connected" && this.player ? this.player.conn.stats() : undefined;
  }

  /** Leaves the room (consented); safe to call in any state. */
  async leave(): Promise<void> {
    this.leaving = true;
    const player = this.player;
    if (!player || this.status !== "connected") return;
    this.status = "left";
    this.player = undefined;
    await player.conn.leave();
  }

  private onLeft(player: Player | undefined, code: number): void {
    if (player !== undefined && player !== this.player) return; // an older connection
    this.lastLeaveCode = code;
    if (this.status === "connected") {
      this.counters.drops++;
      this.player = undefined;
      this.status = this.leaving ? "left" : "idle";
      if (!this.leaving) this.onDropped?.();
    }
  }

  private chatGapMs(): number {
    return this.options.chatEverySec * 1000 * between(this.options.rng, 0.5, 1.5);
  }
}
