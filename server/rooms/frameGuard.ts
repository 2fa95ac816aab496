import { Protocol, type Client, type ClientPrivate, type Room } from "@colyseus/core";
import { beforeDecoding } from "../colyseusHooks.ts";

/** WebSocket readyState OPEN (ws' and the browser's constant). */
const OPEN = 1;

/** What a room decides about each frame a client sends, before Colyseus decodes it. */
export interface FrameGuard {
  /** False drops the frame undecoded (a kicked client's stragglers, or a flood the guard just cut off). */
  admit(client: Client): boolean;
  /** A frame refused for what it is; `reason` names it for the metrics. */
  refuse(client: Client, reason: string): void;
  /** An input frame was admitted (its arrival time measures the client's jitter: InputCushion). */
  input(client: Client): void;
}

/**
 * Puts `guard` in front of Colyseus's message decoding for every client of `room` (call it from
 * onCreate), and refuses ROOM_INPUT_UNRELIABLE frames outright: Colyseus 0.18 decodes them with
 * @colyseus/schema's InputDecoder.decodeAll, whose loop steps backwards on a negative length, so
 * one 7-byte frame ([20, ff ff ff ff ff ff]) spins the event loop forever and freezes every pond
 * of the process. Our clients send inputs on the reliable channel only (room.input()'s default).
 */
export function guardFrames(room: Room, guard: FrameGuard): void {
  beforeDecoding(room, (client, buffer) => {
    // A socket the server is already closing (Colyseus' 4002 for an undecodable frame, our
    // kicks) still delivers the frames that were behind the bad one: they are not judged, or
    // they could get it kicked and counted a second time.
    if ((client as Client & ClientPrivate).readyState !== OPEN) return false;
    if (!guard.admit(client)) return false;
    const code = buffer !== undefined && buffer.length > 0 ? buffer[0] & 0x1f : -1;
    if (code === Protocol.ROOM_INPUT_UNRELIABLE) {
      guard.refuse(client, "unreliable_input");
      return false;
    }
    if (code === Protocol.ROOM_INPUT_RELIABLE) guard.input(client);
    return true;
  });
}
