import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { matchMaker } from "@colyseus/core";
import { WebSocketTransport, type TransportOptions } from "@colyseus/ws-transport";
import { beforeEachSocket } from "./colyseusHooks.ts";
import { parseTarget, type SocketGuard } from "./sockets.ts";

/**
 * Colyseus's WebSocket transport with two things done to each new socket before Colyseus
 * handles it; the one place the server wraps the transport.
 *
 * - The socket guard (server/sockets.ts) tracks it from its first moment, so it can tell the
 *   sockets that get a seat from those that never do (server/colyseusHooks.ts beforeEachSocket).
 * - A reconnection to a seat whose previous socket is still open takes the seat at once (see
 *   takeOverLiveSeat).
 */
export class PondTransport extends WebSocketTransport {
  constructor(options: TransportOptions, guard: SocketGuard) {
    super(options);
    beforeEachSocket(this.wss, (ws: WebSocket, req: IncomingMessage) => {
      guard.opened(ws, req);
      takeOverLiveSeat(req);
    });
  }
}

/**
 * Colyseus 0.18 has two answers to a reconnection while the seat's previous socket is still open
 * (a network switch the server has not noticed, or a replayed token): POST /matchmake/reconnect
 * drops the previous connection from the room (`Room.checkReconnectionToken`), but a reconnection
 * straight over WebSocket (what the SDK does by itself after a drop) waits up to the seat
 * reservation time (15 s) for the previous socket to close, holding its own socket open all
 * that while. Here the second goes the way of the first, through the same public method: the
 * seat is freed for this socket at once, and PondRoom closes the previous socket with
 * CLOSE_CONNECTED_ELSEWHERE, so a seat never has two live sockets.
 */
function takeOverLiveSeat(req: IncomingMessage): void {
  if (!req.url?.includes("reconnectionToken=")) return;
  const { roomId, sessionId, reconnectionToken } = parseTarget(req.url);
  if (roomId === undefined || sessionId === undefined || reconnectionToken === undefined) return;
  const room = matchMaker.getLocalRoomById(roomId);
  if (room === undefined || room.clients.get(sessionId)?.reconnectionToken !== reconnectionToken) return;
  room.checkReconnectionToken(reconnectionToken);
}
