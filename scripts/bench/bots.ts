import type { DataChange } from "@colyseus/schema";
import { InputEncoder } from "@colyseus/schema/input";
import type { PondConnection } from "../../client/net/PondConnection.ts";
import { Player } from "../../kit/player/player.ts";
import { delay } from "../../kit/waitFor.ts";
import { CODE_MASK, Code, RawPeer, TIMED, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { POSITION_GRID } from "../../shared/grids.ts";
import { TadpoleInput, type Steer } from "../../shared/input.ts";
import { MessageType } from "../../shared/protocol.ts";
import type { Rng } from "../../shared/rng.ts";
import { ByteReader } from "../../shared/stream/bytes.ts";
import { fromCode } from "../../shared/stream/codes.ts";
import { SELF_PRESENT } from "../../shared/stream/format.ts";

/**
 * The benchmark's two bots, steered by one navigator and counting every frame alike: `full` runs
 * the game's own net layer (kit Player → PondConnection), as a browser does; `raw` speaks the
 * protocol over a bare `ws` socket and reads each patch only as far as its own body, so a
 * thousand fit on one core. What decoding costs a client is measured by the `full` ones.
 */
export type BotKind = "full" | "raw";

/** [code|TIMED][u32 sNow][u32 inputSeq]: the bytes before a patch's body. */
export const TIMED_HEADER_BYTES = 9;
/** A server frame's size on the wire: its payload plus the WebSocket frame header (unmasked). */
export const wireLength = (length: number): number => length + (length < 126 ? 2 : length < 65536 ? 4 : 10);
/** How a radar message starts: the code, then its type as a msgpack fixstr (docs/protocol.md, "The radar"). */
const RADAR_PREFIX = Uint8Array.from([Code.ROOM_DATA_BYTES, 0xa0 | MessageType.radar.length, ...new TextEncoder().encode(MessageType.radar)]);
/** A random point over the whole pond, 100 units inside the walls (x drawn first). */
export function randomPoint(rng: Rng): { x: number; y: number } {
  const span = 2 * (WORLD_HALF - 100);
  return { x: -span / 2 + rng() * span, y: -span / 2 + rng() * span };
}
/** The server's fixed step (TICK_RATE 20, what the benchmark runs): wire bots send one input per step. */
const STEP_MS = 50;

/**
 * Per-bot counters, zeroed when the window starts: every incoming frame (wireBytes with its WebSocket
 * header), the timed patches, those without schema bytes, the radar; patches are onStateChange calls
 * (full) or patch frames (raw). Full bots only: positionUpdates (others held, summed over patches),
 * schema changes, adds/removes, and once-a-second samples of the tadpoles held (visibleSum/Samples).
 */
export function emptyTotals() {
  return {
    patches: 0, bytes: 0, wireBytes: 0, patchBytes: 0, patchFrames: 0, emptyPatches: 0,
    positionUpdates: 0, otherChanges: 0, radarFrames: 0, radarWireBytes: 0, adds: 0, removes: 0, visibleSum: 0, visibleSamples: 0,
  };
}

export abstract class BenchBot {
  abstract readonly kind: BotKind;
  status: "idle" | "joining" | "connected" | "failed" | "left" = "idle";
  readonly totals = emptyTotals();
  /** Set once the first target was reached (the spread-out phase is over for this bot). */
  arrived = false;
  protected readonly steer: Steer = { angle: 0, thrust: 1 };
  private target: { x: number; y: number };
  private lastSNow = -1;
  private generation = 0;

  constructor(readonly index: number, protected readonly url: string, private readonly rng: Rng, private readonly intervals: Float64Array) {
    this.target = randomPoint(rng);
  }

  /** Where the bot is as far as it knows: its decoded tadpole (full), or as the last patch placed it (raw). */
  position: { x: number; y: number } | undefined;
  /** One frame of the worker's shared timer. */
  abstract frame(now: number): void;
  protected abstract connect(): Promise<void>;
  /** Ends the connection (leaving when `consented`); bounded in time. */
  protected abstract disconnect(consented: boolean): Promise<void>;

  /** Connects; resolves with how long that took (ms). */
  async join(): Promise<number> {
    this.status = "joining";
    const generation = ++this.generation;
    const started = performance.now();
    await this.connect(); // on failure the worker abandons this join and retries
    if (generation !== this.generation) {
      void this.disconnect(true);
      throw new Error("join completed after it was abandoned");
    }
    this.status = "connected";
    return performance.now() - started;
  }

  /** Gives up on a join that failed or is still in flight (timed out): if it completes later, it leaves at once. */
  abandon(): void {
    this.generation++;
    void this.disconnect(false);
    this.status = "idle";
  }

  async leave(): Promise<void> {
    const status = this.status;
    this.status = "left";
    if (status === "connected") await this.disconnect(true);
  }

  /** Samples the tadpoles held into the totals, where the bot decodes them (the worker calls this once a second). */
  sampleVisible(): void {}

  /** Straight lines at full thrust to random targets over the whole pond (100 units inside the walls). */
  protected navigate(x: number, y: number): Steer {
    if ((this.target.x - x) ** 2 + (this.target.y - y) ** 2 < 60 * 60) {
      this.arrived = true;
      this.target = randomPoint(this.rng);
    }
    this.steer.angle = Math.atan2(this.target.y - y, this.target.x - x);
    return this.steer;
  }

  /** Counts one frame from the server (bytes, radar, patch cadence, empty schema); returns whether it was a timed patch. */
  protected count(bytes: Uint8Array): boolean {
    const t = this.totals;
    const length = bytes.byteLength;
    t.bytes += length;
    t.wireBytes += wireLength(length);
    if (RADAR_PREFIX.every((b, i) => bytes[i] === b)) {
      t.radarFrames++;
      t.radarWireBytes += wireLength(length);
    }
    if ((bytes[0] & CODE_MASK) !== Code.ROOM_STATE_PATCH || (bytes[0] & TIMED) === 0 || length < TIMED_HEADER_BYTES) return false;
    t.patchFrames++;
    t.patchBytes += length;
    if (length > TIMED_HEADER_BYTES && bytes[TIMED_HEADER_BYTES] === 0) t.emptyPatches++; // schema length 0
    const sNow = bytes[1] | (bytes[2] << 8) | (bytes[3] << 16) | (bytes[4] * 2 ** 24);
    if (this.lastSNow >= 0) this.intervals[Math.min(2000, Math.max(0, Math.round(sNow - this.lastSNow)))]++;
    this.lastSNow = sNow;
    return true;
  }
}

/** A real client: counts frames at the SDK connection and, per patch, the other tadpoles it holds. */
class FullBot extends BenchBot {
  readonly kind = "full";
  private conn: PondConnection | undefined;

  override sampleVisible(): void {
    if (!this.conn || this.status !== "connected") return;
    this.totals.visibleSum += Math.max(0, this.conn.all.size - 1);
    this.totals.visibleSamples++;
  }

  protected async connect(): Promise<void> {
    const t = this.totals;
    const player = await Player.join(this.url, { name: `bench${this.index}`, timeoutMs: Infinity, events: {
      onAdd: () => { t.adds++; },
      onRemove: () => { t.removes++; },
      onLeave: () => { if (this.status === "connected") this.status = "left"; },
    } });
    const conn = this.conn = player.conn;
    player.onPatch(() => {
      t.patches++;
      // Every other tadpole held got this patch's position (own body excluded).
      const { entities } = conn.stream;
      t.positionUpdates += entities.has(player.self?.id ?? -1) ? entities.size - 1 : entities.size;
    });
    // Every frame passes the SDK connection's onmessage (wrapped after the join).
    const events = conn.room.connection.events;
    const onmessage = events.onmessage!;
    events.onmessage = (event: { data: ArrayBuffer }) => {
      this.count(new Uint8Array(event.data));
      onmessage(event);
    };
    // Schema changes, from the decoder's change list (identities only: positions are in the stream).
    const decoder = (conn.room.serializer as unknown as { decoder: { triggerChanges?: (changes: DataChange[]) => void } }).decoder;
    const next = decoder.triggerChanges;
    decoder.triggerChanges = (changes: DataChange[]) => {
      t.otherChanges += changes.length;
      next?.(changes);
    };
  }

  frame(now: number): void {
    if (this.status !== "connected") return;
    const self = this.position = this.conn!.self; // a tadpole has x and y
    if (self) this.navigate(self.x, self.y);
    this.conn!.frame(now, this.steer);
  }

  protected async disconnect(): Promise<void> {
    await this.conn?.leave().catch(() => undefined);
  }
}

/** The wire bot: the protocol by hand, reading only its own body from each patch. */
class WireBot extends BenchBot {
  readonly kind = "raw";
  private peer: RawPeer | undefined;
  private readonly input = new TadpoleInput();
  private readonly encoder = new InputEncoder(this.input);
  private readonly reader = new ByteReader();
  private nextInputAt = 0;

  protected async connect(): Promise<void> {
    const seat = await reserveSeat(this.url.replace(/^ws/, "http"), { name: `bench${this.index}` }, { timeoutMs: 10_000 });
    const peer = this.peer = new RawPeer(seatUrl(this.url, seat), { onFrame: (data) => this.onFrame(data) });
    if (!(await Promise.race([peer.joined, peer.closed.then(() => false)]))) {
      throw new Error(`join refused: ${JSON.stringify(peer.closeInfo)} ${JSON.stringify(peer.errors)}`);
    }
    void peer.closed.then(() => { if (this.status === "connected") this.status = "left"; });
    this.nextInputAt = performance.now();
  }

  frame(now: number): void {
    if (this.status !== "connected" || !this.position || !this.peer) return;
    // One input per server tick; never bank more than a few after a stall.
    if (now - this.nextInputAt > 4 * STEP_MS) this.nextInputAt = now - 4 * STEP_MS;
    for (; now >= this.nextInputAt; this.nextInputAt += STEP_MS) {
      Object.assign(this.input, this.navigate(this.position.x, this.position.y));
      this.peer.sendRaw(Uint8Array.of(Code.ROOM_INPUT_RELIABLE, ...this.encoder.encode()));
    }
  }

  protected async disconnect(consented: boolean): Promise<void> {
    const peer = this.peer;
    if (!peer) return;
    if (consented) {
      peer.leave();
      await Promise.race([peer.closed, delay(2000)]);
    }
    peer.kill();
  }

  /** Counts every frame; from patches, our own body: [varint schema length][schema][u8 self flags, u16 x, y, …]. */
  private onFrame(data: Buffer): void {
    if (!this.count(data)) return;
    this.totals.patches++;
    const r = this.reader;
    r.reset(data, TIMED_HEADER_BYTES, data.byteLength);
    const schemaLength = r.varint(); // first: `r.pos += r.varint()` would add to the old pos
    r.pos += schemaLength;
    if (r.bad || r.pos >= data.byteLength || (r.u8() & SELF_PRESENT) === 0) return;
    const x = r.u16();
    const y = r.u16();
    r.u16(); // heading: we steer by position alone
    if (!r.bad) this.position = { x: fromCode(POSITION_GRID, x), y: fromCode(POSITION_GRID, y) };
  }
}

export function createBot(index: number, kind: BotKind, url: string, rng: Rng, intervals: Float64Array): BenchBot {
  return kind === "full" ? new FullBot(index, url, rng, intervals) : new WireBot(index, url, rng, intervals);
}
