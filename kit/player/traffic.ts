import type { Room } from "@colyseus/sdk";

/**
 * Counts what a room receives: bytes of incoming WebSocket frames and state patches. The SDK
 * routes every frame through `room.connection.events.onmessage` (the transport reads the
 * property on each message), so wrapping it after join sees every frame from then on.
 */
export interface TrafficCounter {
  bytes: number;
  frames: number;
  patches: number;
  /** Restores the room's own handlers. */
  detach(): void;
}

export function countTraffic(room: Room): TrafficCounter {
  const events = room.connection.events;
  const original = events.onmessage;
  const counter: TrafficCounter = {
    bytes: 0,
    frames: 0,
    patches: 0,
    detach: () => {
      if (events.onmessage === wrapped) events.onmessage = original;
      room.onStateChange.remove(onPatch);
    },
  };
  const wrapped = (event: { data?: unknown }) => {
    counter.bytes += byteLength(event?.data);
    counter.frames++;
    return original?.(event);
  };
  events.onmessage = wrapped;
  const onPatch = () => { counter.patches++; };
  room.onStateChange(onPatch);
  return counter;
}

/** Size in bytes of a WebSocket message payload, whatever shape the runtime hands over. */
export function byteLength(data: unknown): number {
  if (data == null) return 0;
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum: number, part) => sum + byteLength(part), 0);
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.size;
  return 0;
}
