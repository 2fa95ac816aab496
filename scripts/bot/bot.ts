import { PondConnection, type Pose } from "../../client/net/PondConnection.ts";
import type { Steer } from "../../shared/input.ts";
import { chatLine, renameLine } from "./chatter.ts";
import { between, type Rng } from "../../shared/rng.ts";
import { countTraffic, type TrafficCounter } from "./traffic.ts";
import { Wander } from "./wander.ts";
import { Forage } from "./forage.ts";

export interface BotOptions {
  url: string;
  /** Name sent with the join. */
  name: string;
  rng: Rng;
  /** Average seconds between chat lines (randomized ±50%); 0 = never chat. */
  chatEverySec: number;
  /** Rename once (`name: Bot-123`) a few seconds after joining. */
  rename: boolean;
}

/** What PondConnection.stats() reports (when the net layer has it); the bots read two rates. */
interface LinkRates {
  patchesPerSecond: number;
  bytesPerSecondDown: number;
}

/** The connection's own rates, if this version of PondConnection offers stats(). */
function linkStats(conn: PondConnection): LinkRates | undefined {
  const stats = (conn as unknown as { stats?: () => LinkRates }).stats;
  return typeof stats === "function" ? stats.call(conn) : undefined;
}

export type BotStatus = "idle" | "joining" | "connected" | "left";

/** Counters a summary reads; monotonic over the bot's life (across rejoins). */
export interface BotCounters {
  patches: number;
  bytes: number;
  chatSeen: number;
  chatSent: number;
  renames: number;
  notices: number;
  joins: number;
  joinFailures: number;
  drops: number;
}

/**
 * One headless player: joins through the game's own net layer (PondConnection), steers with
 * Wander, chats now and then, and optionally renames itself once. Its frame() is driven by the
 * swarm's shared ticker, never by a timer of its own.
 */
export class Bot {
  status: BotStatus = "idle";
  conn: PondConnection | undefined;
  /** When the current connection was established (performance.now() ms). */
  connectedAt = 0;
  /** Received totals when the current connection was established (for per-connection rates). */
  receivedAtConnect = { bytes: 0, patches: 0 };
  /** Called when the server or network ends the connection without us asking. */
  onDropped: (() => void) | undefined;
  /** Close code of the last unexpected leave. */
  lastLeaveCode: number | undefined;
  readonly counters: BotCounters = {
    patches: 0, bytes: 0, chatSeen: 0, chatSent: 0, renames: 0, notices: 0, joins: 0, joinFailures: 0, drops: 0,
  };
  /** Failed joins since the last successful one (drives the retry backoff). */
  failStreak = 0;
  readonly steer: Steer = { angle: 0, thrust: 0 };
  private readonly forage = new Forage();
  private readonly wander: Wander;
  private readonly pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  private traffic: TrafficCounter | undefined;
  private trafficBase = { bytes: 0, patches: 0 };
  private lastFrame = -1;
  private nextChatAt = Infinity;
  private renameAt = Infinity;
  private renamed = false;
  private leaving = false;

  constructor(readonly options: BotOptions) {
    this.wander = new Wander(options.rng);
  }

  /** Joins the pond; resolves once joined (or rejects, leaving the bot idle). */
  async join(): Promise<void> {
    if (this.status === "joining" || this.status === "connected") return;
    this.status = "joining";
    this.leaving = false;
    const joined: { conn?: PondConnection } = {};
    let conn: PondConnection;
    try {
      conn = joined.conn = await PondConnection.join({ url: this.options.url, name: this.options.name }, {
        onChat: () => { this.counters.chatSeen++; },
        onNotice: () => { this.counters.notices++; },
        onLeave: (code) => this.onLeft(joined.conn, code),
      });
    } catch (error) {
      this.status = "idle";
      this.counters.joinFailures++;
      this.failStreak++;
      throw error;
    }
    if (this.leaving) {
      // stop() was called while we were joining.
      await conn.leave().catch(() => undefined);
      this.status = "left";
      return;
    }
    this.conn = conn;
    this.receivedAtConnect = this.received;
    // Prefer the net layer's own meters (PondConnection.stats()); count here only without them.
    if (linkStats(conn) === undefined) this.traffic = countTraffic(conn.room);
    this.status = "connected";
    this.failStreak = 0;
    this.counters.joins++;
    const now = performance.now();
    this.connectedAt = now;
    this.lastFrame = -1;
    const rng = this.options.rng;
    if (this.options.chatEverySec > 0) this.nextChatAt = now + this.chatGapMs();
    if (this.options.rename && !this.renamed) this.renameAt = now + between(rng, 1000, 8000);
  }

  /** One frame from the shared ticker: steer, send the inputs due, chat when it is time. */
  frame(now: number): void {
    const conn = this.conn;
    if (this.status !== "connected" || !conn) return;
    const dt = this.lastFrame < 0 ? 0 : (now - this.lastFrame) / 1000;
    this.lastFrame = now;
    const self = conn.self;
    if (self) conn.pose(self, this.pose);
    this.wander.update(dt, this.pose.x, this.pose.y, this.steer);
    // Food nearby wins over wandering; the wander picks up from the heading it swam off on.
    if (this.forage.update(now, this.pose.x, this.pose.y, conn.stream.food.specks, this.steer)) this.wander.heading = this.steer.angle;
    conn.frame(now, this.steer);

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

  /**
   * Patches and bytes per second as PondConnection.stats() measures them (a short sliding
   * window), or undefined when not connected or the net layer has no stats().
   */
  get linkRates(): LinkRates | undefined {
    return this.status === "connected" && this.conn ? linkStats(this.conn) : undefined;
  }

  /** Received bytes and patches counted here so far (fallback when there is no stats()). */
  get received(): { bytes: number; patches: number } {
    const t = this.traffic;
    return {
      bytes: this.trafficBase.bytes + (t ? t.bytes : 0),
      patches: this.trafficBase.patches + (t ? t.patches : 0),
    };
  }

  /** Leaves the room (consented); safe to call in any state. */
  async leave(): Promise<void> {
    this.leaving = true;
    const conn = this.conn;
    if (!conn || this.status !== "connected") return;
    this.status = "left";
    this.retireTraffic();
    this.conn = undefined;
    await conn.leave();
  }

  private onLeft(conn: PondConnection | undefined, code: number): void {
    if (conn !== undefined && conn !== this.conn) return; // an older connection
    this.lastLeaveCode = code;
    if (this.status === "connected") {
      this.counters.drops++;
      this.retireTraffic();
      this.conn = undefined;
      this.status = this.leaving ? "left" : "idle";
      if (!this.leaving) this.onDropped?.();
    }
  }

  private retireTraffic(): void {
    const t = this.traffic;
    if (!t) return;
    this.trafficBase.bytes += t.bytes;
    this.trafficBase.patches += t.patches;
    t.detach();
    this.traffic = undefined;
  }

  private chatGapMs(): number {
    return this.options.chatEverySec * 1000 * between(this.options.rng, 0.5, 1.5);
  }
}
