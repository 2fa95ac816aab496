import type { DataChange } from "@colyseus/schema";
import type { PondConnection } from "../../client/net/PondConnection.ts";
import { Player } from "../../kit/player/player.ts";
import type { Rng } from "../../shared/rng.ts";
import { FrameCounter, TIMED_HEADER_BYTES, emptyTotals, type BenchBot, type IntervalHistogram } from "./botTotals.ts";
import { Navigator } from "./navigator.ts";
import type { BotKind, BotTotals } from "./protocol.ts";
import { WireBot } from "./wireBot.ts";

export { IntervalHistogram, emptyTotals, type BenchBot } from "./botTotals.ts";

export function createBot(index: number, kind: BotKind, url: string, rng: Rng, intervals: IntervalHistogram): BenchBot {
  return kind === "full" ? new FullBot(index, url, rng, intervals) : new WireBot(index, url, rng, intervals);
}

/**
 * A benchmark bot that is a real client: the game's own net layer (PondConnection: schema decode,
 * the position stream, prediction, interpolation), which is what a browser runs. It counts every
 * incoming WebSocket frame and its bytes at the SDK connection, and per patch how many other
 * tadpoles' positions it holds (each one is a position update, whether it had a record or kept
 * going on its last motion).
 */
export class FullBot implements BenchBot {
  readonly kind: BotKind = "full";
  status: BenchBot["status"] = "idle";
  readonly totals: BotTotals = emptyTotals();
  joinMs = 0;
  private conn: PondConnection | undefined;
  private readonly nav: Navigator;
  private readonly counter: FrameCounter;
  private generation = 0;

  constructor(readonly index: number, private readonly url: string, rng: Rng, intervals: IntervalHistogram) {
    this.nav = new Navigator(rng);
    this.counter = new FrameCounter(this.totals, intervals);
  }

  get arrived(): boolean {
    return this.nav.arrived;
  }

  abandon(): void {
    this.generation++;
    if (this.status === "joining") this.status = "idle";
  }

  async join(): Promise<void> {
    this.status = "joining";
    const generation = ++this.generation;
    const started = performance.now();
    try {
      const player = await Player.join(this.url, { name: `bench${this.index}`, timeoutMs: Infinity, events: {
        onAdd: () => { this.totals.adds++; },
        onRemove: () => { this.totals.removes++; },
        onLeave: () => { if (this.status === "connected") this.status = "left"; },
      } });
      if (generation !== this.generation) {
        void player.conn.leave().catch(() => undefined);
        throw new Error("join completed after it was abandoned");
      }
      this.conn = player.conn;
      this.joinMs = performance.now() - started;
      this.countFrames(player.conn);
      this.countChanges(player.conn);
      player.onPatch(() => {
        this.totals.patches++;
        // Every other tadpole held got this patch's position (own body excluded).
        const { entities } = player.conn.stream;
        this.totals.positionUpdates += entities.has(player.self?.id ?? -1) ? entities.size - 1 : entities.size;
      });
    } catch (error) {
      if (generation === this.generation) this.status = "failed";
      throw error;
    }
    this.status = "connected";
  }

  frame(now: number): void {
    if (this.status !== "connected") return;
    const conn = this.conn!;
    const self = conn.self;
    if (self) this.nav.navigate(self.x, self.y);
    conn.frame(now, this.nav.steer);
  }

  get visible(): number | undefined {
    return this.conn ? Math.max(0, this.conn.all.size - 1) : undefined;
  }

  sampleVisible(): void {
    const v = this.visible;
    if (v === undefined || this.status !== "connected") return;
    this.totals.visibleSum += v;
    this.totals.visibleSamples++;
  }

  get position(): { x: number; y: number } | undefined {
    const self = this.conn?.self;
    return self ? { x: self.x, y: self.y } : undefined;
  }

  async leave(): Promise<void> {
    const status = this.status;
    this.status = "left";
    if (status === "connected") await this.conn?.leave();
  }

  /** Counts each incoming frame's bytes at the SDK connection; patches' sNow stamps give the server's cadence. */
  private countFrames(conn: PondConnection): void {
    const events = conn.room.connection.events;
    const original = events.onmessage!;
    events.onmessage = (event: { data: ArrayBuffer }) => {
      const bytes = new Uint8Array(event.data);
      if (this.counter.count(bytes) && bytes.length > TIMED_HEADER_BYTES && bytes[TIMED_HEADER_BYTES] === 0) this.totals.emptyPatches++;
      original(event);
    };
  }

  /** Schema changes, from the decoder's change list (identities only: positions are in the stream). */
  private countChanges(conn: PondConnection): void {
    const decoder = (conn.room.serializer as unknown as { decoder: { triggerChanges?: (changes: DataChange[]) => void } }).decoder;
    const next = decoder.triggerChanges;
    const totals = this.totals;
    decoder.triggerChanges = (changes: DataChange[]) => {
      totals.otherChanges += changes.length;
      next?.(changes);
    };
  }
}
