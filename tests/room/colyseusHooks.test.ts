import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientState, Protocol, Room, Server, getMessageBytes, matchMaker, type Client, type ClientPrivate } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { WebSocket } from "ws";
import { beforeDecoding, beforeEachSocket, inputAckOf, interceptHttp, onBytesSent } from "../../server/colyseusHooks.ts";
import { TadpoleInput } from "../../shared/input.ts";
import { delay, waitFor } from "../../kit/waitFor.ts";

/**
 * One test per hook of server/colyseusHooks.ts, on a bare Colyseus server (no pond): each checks
 * the upstream behaviour its hook leans on, so an upgrade of Colyseus that changes it fails here
 * by name rather than somewhere in the game.
 */

/** A room that uses every room-level hook and records what they see. */
class HookRoom extends Room {
  static last: HookRoom | undefined;
  override inputs = this.defineInput(TadpoleInput);
  /** The first byte of every frame the decoding hook saw, and whether it lets frames through. */
  frames: number[] = [];
  admitting = true;
  sent = 0;
  chats: unknown[] = [];
  override messages = { chat: (_client: Client, payload: unknown) => void this.chats.push(payload) };

  override onCreate(): void {
    HookRoom.last = this;
    beforeDecoding(this, (_client, buffer) => {
      this.frames.push(buffer[0]);
      return this.admitting;
    });
  }

  override onJoin(client: Client): void {
    onBytesSent(client, (bytes) => (this.sent += bytes));
  }
}

const HTTP_REFUSED = 418;
let server: Server;
let transport: WebSocketTransport;
let port = 0;
/** Sockets beforeEachSocket saw, and how many "message" listeners each had then (none: before Colyseus). */
const opened: number[] = [];

beforeAll(async () => {
  transport = new WebSocketTransport();
  const wss = (transport as unknown as { wss: import("ws").WebSocketServer }).wss;
  expect(wss.listenerCount("connection"), "WebSocketTransport hands sockets to Colyseus through its own 'connection' listener").toBe(1);
  beforeEachSocket(wss, (ws) => opened.push(ws.listenerCount("message")));
  interceptHttp(transport.server!, {
    request: (req, res) => {
      if (req.url !== "/hooked") return false;
      res.writeHead(HTTP_REFUSED).end();
      return true;
    },
    upgrade: (req, socket) => {
      if (!req.url?.startsWith("/hooked")) return false;
      socket.end(`HTTP/1.1 ${HTTP_REFUSED} Refused\r\n\r\n`);
      return true;
    },
  });
  server = new Server({ transport, greet: false, gracefullyShutdown: false });
  server.define("hooks", HookRoom);
  await server.listen(0, "127.0.0.1");
  port = (transport.server!.address() as AddressInfo).port;
});

afterAll(async () => {
  await server?.gracefullyShutdown(false);
});

/** A room of its own, and its one client as the server sees it, once its join is acknowledged. */
async function join(): Promise<{ room: SdkRoom; hooks: HookRoom; client: Client }> {
  const room = await new SdkClient(`ws://127.0.0.1:${port}`).create("hooks");
  const hooks = matchMaker.getLocalRoomById(room.roomId) as HookRoom;
  const client = hooks.clients[0] as Client & ClientPrivate;
  await waitFor(() => client.state === ClientState.JOINED, { timeoutMs: 5000, message: "the join to be acknowledged" });
  return { room, hooks, client };
}

describe("server/colyseusHooks.ts leans on Colyseus as it is", () => {
  it("beforeDecoding: Room._onMessage decodes every frame, bound per client after onCreate", async () => {
    expect(typeof (Room.prototype as unknown as { _onMessage?: unknown })._onMessage).toBe("function");
    const { room, hooks } = await join();
    room.send("chat", { text: "through" });
    await waitFor(() => hooks.chats.length === 1, { timeoutMs: 5000, message: "the chat to reach its handler" });
    expect(hooks.frames).toContain(Protocol.ROOM_DATA);
    hooks.admitting = false;
    const seen = hooks.frames.length;
    room.send("chat", { text: "held back" });
    await waitFor(() => hooks.frames.length > seen, { timeoutMs: 5000, message: "the hook to see the second chat" });
    await delay(100);
    expect(hooks.chats).toEqual([{ text: "through" }]);
    hooks.admitting = true; // the leave is a frame too
    await room.leave();
  });

  it("onBytesSent: every frame to a client goes through client.ref.send (send, enqueueRaw, raw)", async () => {
    const { room, hooks, client } = await join();
    expect(hooks.sent, "the join handshake went through it").toBeGreaterThan(0);
    room.onMessage("line", () => {});
    const before = hooks.sent;
    const bytes = getMessageBytes.raw(Protocol.ROOM_DATA, "line", { text: "x" });
    client.enqueueRaw(bytes);
    client.raw(bytes);
    expect(hooks.sent - before).toBe(2 * bytes.length);
    client.send("line", { text: "x" });
    expect(hooks.sent - before).toBe(3 * bytes.length);
    await room.leave();
  });

  it("inputAckOf: a client's _inputBuffer.ackSeq counts the inputs the room consumed", async () => {
    const { room, hooks, client } = await join();
    expect(inputAckOf(client)).toBe(0);
    const input = room.input<TadpoleInput>({ type: TadpoleInput });
    input.data.thrust = 1;
    input.send();
    input.send();
    const queue = hooks.inputs.get(client.sessionId);
    await waitFor(() => queue.size === 2, { timeoutMs: 5000, message: "two inputs to arrive" });
    for (const _ of queue.consume()) { /* consumed */ }
    expect(inputAckOf(client)).toBe(2);
    await room.leave();
  });

  it("interceptHttp: Colyseus's HTTP goes through server.emit; an answered event reaches no other listener", async () => {
    expect(transport.server!.listenerCount("request"), "Colyseus serves HTTP through a request listener").toBeGreaterThan(0);
    expect(transport.server!.listenerCount("upgrade"), "and upgrades through an upgrade listener").toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/hooked`)).status).toBe(HTTP_REFUSED);
    // Not answered: Colyseus's own route as ever.
    expect((await fetch(`http://127.0.0.1:${port}/matchmake/joinOrCreate/hooks`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).ok).toBe(true);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/hooked`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => resolve(-1));
    });
    expect(status).toBe(HTTP_REFUSED);
  });

  it("beforeEachSocket: the listener sees each socket before Colyseus's own handler does", async () => {
    const count = opened.length;
    const { room } = await join();
    expect(opened.length).toBe(count + 1);
    expect(opened[count], "no message listener yet: Colyseus had not seen the socket").toBe(0);
    await room.leave();
  });
});
