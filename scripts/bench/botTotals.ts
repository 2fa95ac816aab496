import { MessageType } from "../../shared/protocol.ts";
import { CODE_MASK, Code, TIMED } from "../../kit/rawPeer.ts";
import type { BotKind, BotTotals } from "./protocol.ts";

/** How a radar message starts: the code, then its type as a msgpack fixstr (docs/protocol.md, "The radar"). */
const RADAR_PREFIX = Uint8Array.from([Code.ROOM_DATA_BYTES, 0xa0 | MessageType.radar.length, ...new TextEncoder().encode(MessageType.radar)]);

/** Whether a frame from the server is a radar message. */
function isRadarFrame(bytes: Uint8Array): boolean {
  if (bytes.length < RADAR_PREFIX.length || bytes[0] !== Code.ROOM_DATA_BYTES) return false;
  for (let i = 1; i < RADAR_PREFIX.length; i++) if (bytes[i] !== RADAR_PREFIX[i]) return false;
  return true;
}

/** A server frame's size on the wire: its payload plus the WebSocket frame header (server frames are unmasked). */
export const wireLength = (length: number): number => length + (length < 126 ? 2 : length < 65536 ? 4 : 10);

/** [code|TIMED][u32 sNow][u32 inputSeq]: the bytes before a patch's body. */
export const TIMED_HEADER_BYTES = 9;

/**
 * What both kinds of bench bot count of every frame the server sends them: its bytes (with the
 * WebSocket header), the radar, and of timed patches their bytes and the server's cadence.
 */
export class FrameCounter {
  private lastSNow = -1;
  constructor(private readonly totals: BotTotals, private readonly intervals: IntervalHistogram) {}

  /** Counts `bytes`; returns whether it was a timed state patch. */
  count(bytes: Uint8Array): boolean {
    const totals = this.totals;
    const length = bytes.byteLength;
    totals.frames++;
    totals.bytes += length;
    totals.wireBytes += wireLength(length);
    if (isRadarFrame(bytes)) {
      totals.radarFrames++;
      totals.radarWireBytes += wireLength(length);
    }
    if ((bytes[0] & CODE_MASK) !== Code.ROOM_STATE_PATCH || (bytes[0] & TIMED) === 0 || length < TIMED_HEADER_BYTES) return false;
    totals.patchFrames++;
    totals.patchBytes += length;
    const sNow = bytes[1] | (bytes[2] << 8) | (bytes[3] << 16) | (bytes[4] * 2 ** 24);
    if (this.lastSNow >= 0) this.intervals.add(sNow - this.lastSNow);
    this.lastSNow = sNow;
    return true;
  }
}

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
    positionUpdates: 0, otherChanges: 0, radarFrames: 0, radarWireBytes: 0,
    adds: 0, removes: 0, visibleSum: 0, visibleSamples: 0,
  };
}

/** What the bench worker drives: one headless player of either kind (see bots.ts, wireBot.ts). */
export interface BenchBot {
  readonly index: number;
  readonly kind: BotKind;
  status: "idle" | "joining" | "connected" | "failed" | "left";
  readonly totals: BotTotals;
  /** Set once the bot reached its first target (the spread-out phase is over for it). */
  readonly arrived: boolean;
  joinMs: number;
  /** Tadpoles this client holds besides its own, when it decodes them. */
  readonly visible: number | undefined;
  /** Where the bot is as far as it knows. */
  readonly position: { x: number; y: number } | undefined;
  join(): Promise<void>;
  /** Gives up on a join in flight (timed out): if it completes later, it leaves at once. */
  abandon(): void;
  /** One frame of the worker's shared timer. */
  frame(now: number): void;
  /** Sample the visible count into the totals (the worker calls this once a second). */
  sampleVisible(): void;
  leave(): Promise<void>;
}
