import { Client, CloseCode, Room } from "@colyseus/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HookableConnection } from "../../client/net/netsim.ts";
import { RateMeter } from "../../client/net/rates.ts";
import { abandonRoom, countIncomingBytes, HookedClient, socketOf } from "../../client/net/sdkHooks.ts";

/**
 * Each hook in client/net/sdkHooks.ts leans on an SDK internal. These tests pin that behaviour
 * on the installed @colyseus/sdk: one fails when an upgrade moves what its hook relies on.
 * No server: a socket is pointed at a closed local port and shut at once.
 */

/** A port nothing listens on: the socket is refused, which these tests never wait for. */
const NOWHERE = "ws://127.0.0.1:9/pond/room?sessionId=s";

type Internals = {
  createRoom(name: string): Room;
  consumeSeatReservation(response: { name: string; roomId: string; sessionId: string }): Promise<Room>;
};

const opened: Room[] = [];
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const room of opened.splice(0)) {
    try { room.connection?.close(); } catch { /* never opened */ }
  }
});

describe("sdkHooks", () => {
  it("createRoom: every join builds its room through Client.createRoom, and the hook sees the socket it opens", async () => {
    expect(typeof (Client.prototype as unknown as Internals).createRoom).toBe("function");
    const seen: HookableConnection[] = [];
    const client = new HookedClient("http://127.0.0.1:9", (connection) => seen.push(connection));
    // The step every join (joinOrCreate, joinById, reconnect) ends in.
    const joining = (client as unknown as Internals).consumeSeatReservation({ name: "pond", roomId: "r", sessionId: "s" });
    joining.catch(() => undefined);
    expect(seen).toHaveLength(1);
  });

  it("room.connect: creates room.connection synchronously, with the room's frame and close handlers on it", () => {
    const seen: HookableConnection[] = [];
    const client = new HookedClient("http://127.0.0.1:9", (connection) => seen.push(connection));
    const room = (client as unknown as Internals).createRoom("pond");
    opened.push(room);
    room.connect(NOWHERE, {});
    expect(seen).toEqual([socketOf(room)]);
    expect(typeof seen[0].events.onmessage).toBe("function");
    expect(typeof seen[0].events.onclose).toBe("function");
    expect(typeof seen[0].send).toBe("function");
    expect(typeof seen[0].sendUnreliable).toBe("function");
    expect(typeof seen[0].isOpen).toBe("boolean");
  });

  it("events.onmessage: the transport reads the handler from `events` at every frame, so a wrapper counts each one", () => {
    const room = new Room("pond");
    opened.push(room);
    room.connect(NOWHERE, {});
    const connection = socketOf(room);
    const delivered: unknown[] = [];
    connection.events.onmessage = (event: unknown) => delivered.push(event);
    const meter = new RateMeter(2000, 20, 0);
    countIncomingBytes(connection, meter);
    // The socket the transport made: a frame on it goes through `events.onmessage`.
    const socket = (room.connection as unknown as { transport: { ws: { onmessage(event: unknown): void } } }).transport.ws;
    const frame = { data: new Uint8Array(42).buffer };
    socket.onmessage(frame);
    expect(delivered).toEqual([frame]);
    expect(meter.rate(performance.now())).toBeGreaterThan(0);
  });

  it("connection.reconnect: the retry timer calls it even after reconnection is disabled; abandonRoom stops it", () => {
    vi.useFakeTimers();
    // The SDK narrates each retry on the console.
    vi.spyOn(console, "info").mockImplementation(() => undefined);
    const setUp = () => {
      const room = new Room("pond");
      const reconnect = vi.fn();
      room.connection = { reconnect, close: () => undefined } as unknown as Room["connection"];
      room.reconnectionToken = "room:token";
      room.reconnection.maxRetries = 3;
      (room as unknown as { retryReconnection(): void }).retryReconnection();
      return { room, reconnect };
    };

    const plain = setUp();
    plain.room.reconnection.enabled = false;
    vi.advanceTimersByTime(60_000);
    // Why the hook exists: disabling reconnection does not stop a retry already scheduled.
    expect(plain.reconnect).toHaveBeenCalledWith({ reconnectionToken: "token", skipHandshake: true });

    const abandoned = setUp();
    abandonRoom(abandoned.room);
    vi.advanceTimersByTime(60_000);
    expect(abandoned.reconnect).not.toHaveBeenCalled();
  });

  it("onLeave.invoke: runs the listeners registered with room.onLeave, with the code and reason", () => {
    const room = new Room("pond");
    const left = vi.fn();
    room.onLeave(left);
    room.connection = { reconnect: () => undefined, close: () => undefined } as unknown as Room["connection"];
    abandonRoom(room);
    expect(left).toHaveBeenCalledWith(CloseCode.CONSENTED, "left while reconnecting");
  });
});
