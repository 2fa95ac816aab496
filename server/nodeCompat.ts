import { WebSocket as WsWebSocket } from "ws";

/**
 * Node 20 has no global WebSocket (Node 22 does), and @colyseus/core 0.18 reads
 * `WebSocket.OPEN` from the global while a client reconnects: on Node 20 every reconnect threw
 * "WebSocket is not defined" and the player never got its tadpole back. The `ws` class that
 * the transport itself is built on stands in for it; Node 22's own global is left alone.
 */
if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === "undefined") {
  (globalThis as { WebSocket?: unknown }).WebSocket = WsWebSocket;
}
