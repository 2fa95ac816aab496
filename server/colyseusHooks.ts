import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Client, ClientPrivate, Room } from "@colyseus/core";
import type { WebSocket, WebSocketServer } from "ws";

/**
 * Every place the server reaches inside Colyseus (0.18.17), and nowhere else: each hook says
 * why no public extension point does the job and what upstream behaviour it leans on, and
 * tests/room/colyseusHooks.test.ts fails if that behaviour changes. Game code calls these; it
 * never touches a Colyseus internal itself.
 *
 * Public points used instead, where they exist: Room.setSerializer (the position stream),
 * the `messages` table (handlers), Room.checkReconnectionToken (seat take-over). Looked at and
 * not enough: maxMessagesPerSecond (closes with 4002, which onDrop cannot tell from a replaced
 * connection) and the transport's `beforeUpgrade` (runs after the upgrade's auth context has
 * read the address, answers asynchronously, and has no counterpart for plain HTTP requests).
 */

/** A client's frames, as Colyseus's internal decoder takes them. */
type FrameDecoder = (client: Client, buffer: Buffer) => void;

/**
 * Runs `admit` on every frame a client of `room` sends, before Colyseus decodes it; the frame
 * is decoded only when it answers true. Colyseus has no public hook before decoding (the frame
 * guard needs one: server/rooms/frameGuard.ts).
 *
 * Leans on: Room's private `_onMessage(client, buffer)` decodes every frame, and Room binds
 * `this._onMessage` per client when it joins (Room._onJoin), after onCreate, so an own property
 * set from onCreate is what gets bound.
 */
export function beforeDecoding(room: Room, admit: (client: Client, buffer: Buffer) => boolean): void {
  const target = room as unknown as { _onMessage: FrameDecoder };
  const decode = target._onMessage;
  target._onMessage = (client: Client, buffer: Buffer) => {
    if (admit(client, buffer)) decode.call(room, client, buffer);
  };
}

/**
 * Calls `sent` with the size of everything sent to `client` from now on: patches, messages and
 * handshakes alike (the bytes-sent metric). Colyseus counts nothing it sends.
 *
 * Leans on: every frame Colyseus sends a client goes through `client.ref.send(data, ...)`, the
 * transport's socket (ws-transport's WebSocketClient.raw and its queue flush), and `client.ref`
 * is a new socket on each reconnection (so call this again then).
 */
export function onBytesSent(client: Client, sent: (bytes: number) => void): void {
  const socket = client.ref as unknown as { send(data: Uint8Array, ...rest: unknown[]): void };
  const send = socket.send.bind(socket);
  socket.send = (data: Uint8Array, ...rest: unknown[]) => {
    sent(data.byteLength);
    send(data, ...rest);
  };
}

/** The last input the server consumed for `client`: the ack a patch carries (PondSerializer). */
export function inputAckOf(client: Client): number {
  // Leans on: ClientPrivate's `_inputBuffer.ackSeq`, what Colyseus's own SchemaSerializer writes
  // in a timed patch; no public accessor exists.
  return (client as Client & ClientPrivate)._inputBuffer?.ackSeq ?? 0;
}

/** What an HTTP-level interceptor sees first; true when it answered and nobody else may. */
export interface HttpInterceptor {
  request(req: IncomingMessage, res: ServerResponse): boolean;
  upgrade(req: IncomingMessage, socket: Duplex): boolean;
}

/**
 * Puts `intercept` in front of every listener of `server`'s "request" and "upgrade" events, and
 * lets it answer one so no other listener sees it (stamping addresses, refusing oversized bodies
 * and unwanted sockets: server/app.ts). Listeners cannot stop each other, and Colyseus adds its
 * own request listener when it starts listening, so this wraps `emit`.
 *
 * Leans on: Colyseus (Server.listen, the transport's listenForUpgrade) handles HTTP only through
 * listeners of the transport's http.Server, which Node calls through `server.emit`.
 */
export function interceptHttp(server: HttpServer, intercept: HttpInterceptor): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "request" && intercept.request(args[0] as IncomingMessage, args[1] as ServerResponse)) return true;
    if (event === "upgrade" && intercept.upgrade(args[0] as IncomingMessage, args[1] as Duplex)) return true;
    return emit(event, ...args);
  }) as typeof server.emit;
}

/**
 * Calls `opened` with each new WebSocket before Colyseus handles it (the socket guard tracks a
 * socket from its first moment: server/sockets.ts). Colyseus offers no hook after the handshake.
 *
 * Leans on: WebSocketTransport hands each socket to Colyseus through its own "connection"
 * listener on its (protected) WebSocketServer `wss`; ours goes in front of it.
 */
export function beforeEachSocket(wss: WebSocketServer, opened: (ws: WebSocket, req: IncomingMessage) => void): void {
  wss.prependListener("connection", opened);
}
