import { InputEncoder } from "@colyseus/schema/input";
import { POSITION_GRID } from "../../shared/grids.ts";
import { TadpoleInput } from "../../shared/input.ts";
import type { Rng } from "../../shared/rng.ts";
import { fromCode } from "../../shared/stream/codes.ts";
import { ByteReader } from "../../shared/stream/bytes.ts";
import { SELF_PRESENT } from "../../shared/stream/format.ts";
import { Code, RawPeer, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { Navigator } from "./navigator.ts";
import type { BotKind, BotTotals } from "./protocol.ts";
import { FrameCounter, TIMED_HEADER_BYTES, emptyTotals, type BenchBot, type IntervalHistogram } from "./botTotals.ts";

/** The server's fixed step (TICK_RATE 20, the default the benchmark runs). */
const STEP_MS = 50;

/**
 * A benchmark bot that speaks the game's protocol itself over a bare WebSocket (no SDK, no
 * schema decoding): it reserves a seat over HTTP, acknowledges the join, sends one encoded
 * steering input per server tick, and reads each patch only as far as its own exact body in the
 * position stream (the self section), skipping the schema bytes and every other tadpole. So a
 * thousand of them fit on one core; what decoding costs a real client is measured apart (the
 * `full` bots, and docs/benchmarks/load.md).
 */
export class WireBot implements BenchBot {
  readonly kind: BotKind = "raw";
  status: BenchBot["status"] = "idle";
  readonly totals: BotTotals = emptyTotals();
  joinMs = 0;
  private peer: RawPeer | undefined;
  private readonly nav: Navigator;
  private readonly input = new TadpoleInput();
  private readonly encoder = new InputEncoder(this.input);
  private readonly reader = new ByteReader();
  private x = 0;
  private y = 0;
  private bodyKnown = false;
  private nextInputAt = 0;
  private generation = 0;
  private readonly counter: FrameCounter;

  constructor(readonly index: number, private readonly url: string, rng: Rng, intervals: IntervalHistogram) {
    this.nav = new Navigator(rng);
    this.counter = new FrameCounter(this.totals, intervals);
  }

  get arrived(): boolean {
    return this.nav.arrived;
  }

  get visible(): number | undefined {
    return undefined; // it does not decode who it sees
  }

  get position(): { x: number; y: number } | undefined {
    return this.bodyKnown ? { x: this.x, y: this.y } : undefined;
  }

  abandon(): void {
    this.generation++;
    this.peer?.kill();
    if (this.status === "joining") this.status = "idle";
  }

  async join(): Promise<void> {
    this.status = "joining";
    const generation = ++this.generation;
    const started = performance.now();
    const httpUrl = this.url.replace(/^ws/, "http");
    try {
      const seat = await reserveSeat(httpUrl, { name: `bench${this.index}` }, { timeoutMs: 10_000 });
      const peer = new RawPeer(seatUrl(this.url, seat), { onFrame: (data) => this.onFrame(data) });
      this.peer = peer;
      const joined = await Promise.race([peer.joined, peer.closed.then(() => false)]);
      if (!joined) throw new Error(`join refused: ${JSON.stringify(peer.closeInfo)} ${JSON.stringify(peer.errors)}`);
      if (generation !== this.generation) {
        peer.leave();
        throw new Error("join completed after it was abandoned");
      }
      void peer.closed.then(() => { if (this.status === "connected") this.status = "left"; });
    } catch (error) {
      if (generation === this.generation) this.status = "failed";
      throw error;
    }
    this.joinMs = performance.now() - started;
    this.nextInputAt = performance.now();
    this.status = "connected";
  }

  frame(now: number): void {
    const peer = this.peer;
    if (this.status !== "connected" || !this.bodyKnown || peer === undefined) return;
    // One input per server tick; never bank more than a few after a stall.
    if (now - this.nextInputAt > 4 * STEP_MS) this.nextInputAt = now - 4 * STEP_MS;
    while (now >= this.nextInputAt) {
      const steer = this.nav.navigate(this.x, this.y);
      this.input.angle = steer.angle;
      this.input.thrust = steer.thrust;
      const body = this.encoder.encode();
      const frame = new Uint8Array(1 + body.length);
      frame[0] = Code.ROOM_INPUT_RELIABLE;
      frame.set(body, 1);
      peer.sendRaw(frame);
      this.nextInputAt += STEP_MS;
    }
  }

  sampleVisible(): void {
    // nothing to sample: see `visible`
  }

  async leave(): Promise<void> {
    const status = this.status;
    this.status = "left";
    if (status !== "connected" || this.peer === undefined) return;
    this.peer.leave();
    await Promise.race([this.peer.closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.peer.kill();
  }

  /** Counts every frame; from patches, the server's cadence and our own body (the stream's self section). */
  private onFrame(data: Buffer): void {
    if (!this.counter.count(data)) return;
    const totals = this.totals;
    const length = data.byteLength;
    totals.patches++;
    // [varint schema length][schema][stream: u8 self flags, then u16 x, y, angle, speed codes]
    const r = this.reader;
    r.reset(data, TIMED_HEADER_BYTES, length);
    const schemaLength = r.varint();
    if (schemaLength === 0) totals.emptyPatches++;
    r.pos += schemaLength;
    if (r.bad || r.pos >= length) return;
    if ((r.u8() & SELF_PRESENT) === 0) return;
    const x = r.u16();
    const y = r.u16();
    r.u16(); // heading: we steer by position alone
    if (r.bad) return;
    this.x = fromCode(POSITION_GRID, x);
    this.y = fromCode(POSITION_GRID, y);
    this.bodyKnown = true;
  }
}
