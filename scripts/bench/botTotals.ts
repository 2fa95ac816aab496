import { MessageType } from "../../shared/protocol.ts";
import type { BotKind, BotTotals } from "./protocol.ts";

/** Colyseus ROOM_DATA_BYTES (@colyseus/shared-types Protocol). */
const ROOM_DATA_BYTES = 17;
/** How a radar message starts: the code, then its type as a msgpack fixstr (docs/protocol.md, "The radar"). */
const RADAR_PREFIX = Uint8Array.from([ROOM_DATA_BYTES, 0xa0 | MessageType.radar.length, ...new TextEncoder().encode(MessageType.radar)]);

/** Whether a frame from the server is a radar message. */
export function isRadarFrame(bytes: Uint8Array): boolean {
  if (bytes.length < RADAR_PREFIX.length || bytes[0] !== ROOM_DATA_BYTES) return false;
  for (let i = 1; i < RADAR_PREFIX.length; i++) if (bytes[i] !== RADAR_PREFIX[i]) return false;
  return true;
}

/** Counts a radar frame of `length` bytes (plus its WebSocket header, as wireBytes does). */
export function countRadar(totals: BotTotals, length: number): void {
  totals.radarFrames++;
  totals.radarWireBytes += length + (length < 126 ? 2 : length < 65536 ? 4 : 10);
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
