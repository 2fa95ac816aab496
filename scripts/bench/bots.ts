import { Client, Protocol, type InputHandle, type Room } from "@colyseus/sdk";
import type { DataChange } from "@colyseus/schema";
import { PondConnection } from "../../client/net/PondConnection.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { TadpoleInput, type Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import type { Body } from "../../shared/state.ts";
import type { Rng } from "../../shared/rng.ts";
import type { BotKind, BotTotals } from "./protocol.ts";

/** Low five bits of a frame's first byte: the protocol code (see @colyseus/shared-types). */
const PROTOCOL_CODE_MASK = 0x1f;
/** Modifier bit: the frame carries [uint32 sNow LE][uint32 inputSeq LE] after the code byte. */
const TIMED = 0x80;
/** Bytes before the schema body of a TIMED patch: code + sNow + inputSeq. */
export const TIMED_HEADER_BYTES = 9;

/** Targets stay this far inside the walls (the pond clamps at ±WORLD_HALF). */
const TARGET_MARGIN = 100;
/** Within this distance of its target a bot picks the next one. */
const ARRIVE_DISTANCE = 60;

/** Server patch intervals (from the patches' sNow stamps), 1 ms bins. */
export class IntervalHistogram {
  readonly bins = new Float64Array(2001);
  add(ms: number): void {
    const i = ms < 0 ? 0 : ms > 2000 ? 2000 : Math.round(ms);
    this.bins[i]++;
  }
  reset(): void {
    this.bins.fill(0);
  }
}

export function emptyTotals(): BotTotals {
  return {
    patches: 0, frames: 0, bytes: 0, wireBytes: 0, patchBytes: 0, patchFrames: 0, emptyPatches: 0,
    positionUpdates: 0, xChanges: 0, yChanges: 0, angleChanges: 0, speedChanges: 0, otherChanges: 0,
    adds: 0, removes: 0, visibleSum: 0, visibleSamples: 0,
  };
}

/**
 * One headless player for the benchmark. Both kinds join through the real SDK, send one
 * steering input per server tick on the room's input channel and swim in straight lines at full
 * thrust to random targets spread over the whole pond (so after the first leg the pond is evenly
 * populated, unlike the spawn area near the centre). Both count every incoming WebSocket frame
 * and its bytes at the SDK connection.
 *
 * - `full`: the game's own net layer (PondConnection: schema decode, callbacks, prediction,
 *   interpolation) — what a browser does. It counts patches with onStateChange and, from the
 *   decoder's change list, which tadpoles each patch moved and which fields it carried.
 * - `raw`: a cheap stand-in for crowds too large for the bot processes to decode: it decodes
 *   the join snapshot (to learn where it spawned) and then counts patch frames and bytes without
 *   decoding them (the SDK still sees each patch's timing header, so input acks and the clock
 *   work). It knows its own position by running the shared movement step on the inputs it sends,
 *   which is what the server runs on them.
 */
export class BenchBot {
  status: "idle" | "joining" | "connected" | "failed" | "left" = "idle";
  readonly totals: BotTotals = emptyTotals();
  /** Set once the bot reached its first target (the spread-out phase is over for it). */
  arrived = false;
  joinMs = 0;
  private conn: PondConnection | undefined;
  private room: Room | undefined;
  private input: InputHandle<TadpoleInput> | undefined;
  private readonly steer: Steer = { angle: 0, thrust: 1 };
  private tx = 0;
  private ty = 0;
  /** raw bots: where the shared movement step says we are. */
  private readonly body: Body = { x: 0, y: 0, angle: 0, speed: 0 };
  private bodyKnown = false;
  private nextInputAt = 0;
  private stepMs = 50;
  private lastSNow = -1;
  private readonly moved = new Set<number>();
  private generation = 0;

  constructor(
    readonly index: number,
    readonly kind: BotKind,
    private readonly url: string,
    private readonly rng: Rng,
    private readonly intervals: IntervalHistogram,
  ) {
    this.pickTarget();
  }

  /** Gives up on a join in flight (timed out): if it completes later, it leaves at once. */
  abandon(): void {
    this.generation++;
    if (this.status === "joining") this.status = "idle";
  }

  async join(): Promise<void> {
    this.status = "joining";
    const generation = ++this.generation;
    const started = performance.now();
    const name = `bench${this.index}`;
    try {
      if (this.kind === "full") {
        const conn = await PondConnection.join({ url: this.url, name }, {
          onAdd: () => { this.totals.adds++; },
          onRemove: () => { this.totals.removes++; },
        });
        if (generation !== this.generation) {
          void conn.leave().catch(() => undefined);
          throw new Error("join completed after it was abandoned");
        }
        this.conn = conn;
        this.room = conn.room;
        this.countChanges(conn.room);
      } else {
        const room = await new Client(this.url).joinOrCreate("pond", { name });
        if (generation !== this.generation) {
          void room.leave(true).catch(() => undefined);
          throw new Error("join completed after it was abandoned");
        }
        this.room = room;
        this.input = room.input<TadpoleInput>({ type: TadpoleInput });
        this.stepMs = this.input.stepMs ?? 50;
        this.nextInputAt = performance.now();
      }
    } catch (error) {
      if (generation === this.generation) this.status = "failed";
      throw error;
    }
    this.joinMs = performance.now() - started;
    this.countFrames(this.room);
    this.room.onStateChange(() => { this.totals.patches++; });
    this.room.onLeave(() => { if (this.status === "connected") this.status = "left"; });
    this.status = "connected";
  }

  /** One frame of the worker's shared timer. */
  frame(now: number): void {
    if (this.status !== "connected") return;
    if (this.kind === "full") {
      const self = this.conn!.self;
      if (self) this.navigate(self.x, self.y);
      this.conn!.frame(now, this.steer);
      return;
    }
    if (!this.bodyKnown) return;
    // One input per server tick, like PondConnection; never bank more than a few after a stall.
    if (now - this.nextInputAt > 4 * this.stepMs) this.nextInputAt = now - 4 * this.stepMs;
    const input = this.input!;
    while (now >= this.nextInputAt) {
      this.navigate(this.body.x, this.body.y);
      input.data.angle = this.steer.angle;
      input.data.thrust = this.steer.thrust;
      input.send();
      stepTadpole(this.body, this.steer, this.stepMs / 1000);
      this.nextInputAt += this.stepMs;
    }
  }

  /** Tadpoles this client holds besides its own (full bots only; raw bots cannot know). */
  get visible(): number | undefined {
    return this.kind === "full" && this.conn ? Math.max(0, this.conn.all.size - 1) : undefined;
  }

  /** Sample the visible count into the totals (the worker calls this once a second). */
  sampleVisible(): void {
    const v = this.visible;
    if (v === undefined || this.status !== "connected") return;
    this.totals.visibleSum += v;
    this.totals.visibleSamples++;
  }

  /** Where the bot is as far as it knows (for the spread-out check). */
  get position(): { x: number; y: number } | undefined {
    if (this.kind === "full") return this.conn?.self ? { x: this.conn.self.x, y: this.conn.self.y } : undefined;
    return this.bodyKnown ? { x: this.body.x, y: this.body.y } : undefined;
  }

  async leave(): Promise<void> {
    const status = this.status;
    this.status = "left";
    if (status !== "connected") return;
    if (this.conn) await this.conn.leave();
    else await this.room?.leave(true);
  }

  private navigate(x: number, y: number): void {
    let dx = this.tx - x;
    let dy = this.ty - y;
    if (dx * dx + dy * dy < ARRIVE_DISTANCE * ARRIVE_DISTANCE) {
      this.arrived = true;
      this.pickTarget();
      dx = this.tx - x;
      dy = this.ty - y;
    }
    this.steer.angle = Math.atan2(dy, dx);
    this.steer.thrust = 1;
  }

  private pickTarget(): void {
    const span = 2 * (WORLD_HALF - TARGET_MARGIN);
    this.tx = -span / 2 + this.rng() * span;
    this.ty = -span / 2 + this.rng() * span;
  }

  /**
   * Counts each incoming frame's bytes at the SDK connection (payload bytes, after WebSocket
   * framing). Patches' sNow stamps give the server's patch cadence. Raw bots hand the SDK only
   * the 9-byte timing header of each patch (an empty patch: acks and clock keep working).
   */
  private countFrames(room: Room): void {
    const events = room.connection.events;
    const original = events.onmessage!;
    const totals = this.totals;
    const raw = this.kind === "raw";
    events.onmessage = (event: { data: ArrayBuffer }) => {
      const data = event.data;
      const bytes = new Uint8Array(data);
      totals.frames++;
      const length = bytes.byteLength;
      totals.bytes += length;
      totals.wireBytes += length + (length < 126 ? 2 : length < 65536 ? 4 : 10);
      const code = bytes[0] & PROTOCOL_CODE_MASK;
      if (code === Protocol.ROOM_STATE_PATCH) {
        totals.patchFrames++;
        totals.patchBytes += bytes.byteLength;
        if (bytes[0] & TIMED && bytes.byteLength >= TIMED_HEADER_BYTES) {
          const sNow = bytes[1] | (bytes[2] << 8) | (bytes[3] << 16) | (bytes[4] * 2 ** 24);
          if (bytes.byteLength === TIMED_HEADER_BYTES) totals.emptyPatches++;
          if (this.lastSNow >= 0) this.intervals.add(sNow - this.lastSNow);
          this.lastSNow = sNow;
          if (raw) return original({ data: data.slice(0, TIMED_HEADER_BYTES) });
        }
      }
      original(event);
      if (raw && code === Protocol.ROOM_STATE && !this.bodyKnown) this.adoptSnapshot(room);
    };
  }

  private adoptSnapshot(room: Room): void {
    const self = (room.state as { tadpoles?: Map<string, Body> } | undefined)?.tadpoles?.get(room.sessionId);
    if (!self) return;
    this.body.x = self.x;
    this.body.y = self.y;
    this.body.angle = self.angle;
    this.body.speed = self.speed;
    this.bodyKnown = true;
  }

  /** From the decoder's change list: which tadpoles each patch moved and which fields it carried. */
  private countChanges(room: Room): void {
    const decoder = (room.serializer as unknown as { decoder: { triggerChanges?: (changes: DataChange[]) => void } }).decoder;
    const next = decoder.triggerChanges;
    const totals = this.totals;
    const moved = this.moved;
    decoder.triggerChanges = (changes: DataChange[]) => {
      moved.clear();
      for (let i = 0; i < changes.length; i++) {
        const c = changes[i];
        switch (c.field) {
          case "x": totals.xChanges++; moved.add(c.refId); break;
          case "y": totals.yChanges++; moved.add(c.refId); break;
          case "angle": totals.angleChanges++; break;
          case "speed": totals.speedChanges++; break;
          default: totals.otherChanges++;
        }
      }
      totals.positionUpdates += moved.size;
      next?.(changes);
    };
  }
}
