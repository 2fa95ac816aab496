import { CloseCode, Client, type Room } from "@colyseus/sdk";
import type { HookableConnection } from "./netsim.ts";
import type { RateMeter } from "./rates.ts";

/**
 * Every place the client reaches inside the Colyseus SDK (@colyseus/sdk 0.18), in one module.
 * The SDK offers no public hook on a room's socket before the join handshake flows, nor a way
 * to stop a scheduled reconnection, so these lean on its internals. Each names what it relies
 * on; tests/unit/sdkHooks.test.ts fails if that upstream behaviour changes.
 */

/** A room's socket as the hooks see it (the SDK types `room.connection` as its own Connection). */
export function socketOf(room: Room<any, any>): HookableConnection {
  // Connection has `events`, `send`, `sendUnreliable` and `isOpen`; its types are not exported.
  return room.connection as unknown as HookableConnection;
}

/**
 * The SDK client, with a hook on the moment a room's socket is created (before any frame moves),
 * which is where the byte counter and the network simulator go.
 *
 * Leans on: `Client.createRoom(roomName, rootSchema)` (protected) building every joined Room,
 * and `Room.connect(endpoint, options, headers)` creating `room.connection` synchronously and
 * installing the room's `events.onmessage` / `onclose` handlers on it before it returns.
 */
export class HookedClient extends Client {
  private readonly onSocket: (connection: HookableConnection) => void;

  constructor(url: string, onSocket: (connection: HookableConnection) => void) {
    super(url);
    this.onSocket = onSocket;
  }

  protected override createRoom<T>(roomName: string, rootSchema?: Parameters<Client["joinOrCreate"]>[2]): Room<any, T> {
    const room = super.createRoom<T>(roomName, rootSchema as never);
    const connect = room.connect.bind(room);
    const onSocket = this.onSocket;
    room.connect = (endpoint: string, options?: unknown, headers?: unknown) => {
      connect(endpoint, options, headers);
      onSocket(socketOf(room));
    };
    return room;
  }
}

/**
 * Counts the bytes of every frame the room receives, by wrapping the handler the room installed.
 *
 * Leans on: every incoming frame reaching the room through `connection.events.onmessage(event)`
 * with the frame in `event.data` (the transport calls it through the `events` object it was given).
 */
export function countIncomingBytes(connection: HookableConnection, meter: RateMeter): void {
  const events = connection.events;
  const deliver = events.onmessage;
  events.onmessage = (event: { data?: unknown }) => {
    meter.add(performance.now(), byteLength(event?.data));
    return deliver?.call(events, event);
  };
}

function byteLength(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof data === "string") return data.length;
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.size;
  return 0;
}

/**
 * Ends a room whose socket is down without letting the SDK's pending reconnection re-attach it,
 * and tells its onLeave listeners it is over (the SDK would only once its retries ran out).
 *
 * Leans on: the retry timer calling `room.connection.reconnect(...)` unconditionally (it does
 * not re-read `reconnection.enabled`), and `room.onLeave.invoke(code, reason)` running the
 * listeners registered with `room.onLeave(cb)`.
 */
export function abandonRoom(room: Room<any, any>): void {
  room.reconnection.enabled = false;
  room.reconnection.maxRetries = 0;
  const connection = room.connection;
  if (connection) {
    connection.reconnect = () => undefined;
    try {
      connection.close();
    } catch {
      // not open: nothing to close
    }
  }
  room.onLeave.invoke(CloseCode.CONSENTED, "left while reconnecting");
}
