import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import { CLOSE_NO_SEAT } from "../../shared/protocol.ts";
import { SocketGuard, parseTarget } from "../../server/sockets.ts";

/**
 * The socket guard's bookkeeping on a fake clock (the real server's sockets are in
 * tests/hardening/seatless.test.ts and seats.test.ts): what happens to a socket left open
 * without a seat, which no Colyseus socket of today reaches (Colyseus asks them to close first).
 */
class FakeSocket extends EventEmitter {
  readyState: number = 1; // OPEN
  readonly closes: Array<[number, string]> = [];
  terminated = false;
  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
    this.readyState = 2; // CLOSING
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit("close");
  }
}

const request = (address: string, url = "/"): IncomingMessage => ({ url, headers: { "x-real-ip": address } }) as unknown as IncomingMessage;

class FakeUpgradeSocket extends EventEmitter {
  written = "";
  end(text: string): void {
    this.written += text;
  }
  destroy(): void {}
}

describe("SocketGuard", () => {
  let guard: SocketGuard;

  beforeEach(() => {
    vi.useFakeTimers();
    guard = new SocketGuard();
    guard.graceMs = 5000;
    guard.maxSeatlessPerIp = 2;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks a socket still open without a seat at the end of the grace to close (4408), and cuts it a second later", () => {
    const ws = new FakeSocket();
    guard.opened(ws as unknown as WebSocket, request("10.0.0.1"));
    vi.advanceTimersByTime(4999);
    expect(ws.closes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ws.closes).toEqual([[CLOSE_NO_SEAT, "No seat."]]);
    expect(ws.terminated).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(ws.terminated, "the peer never completed the close").toBe(true);
    expect(guard.countsOf("10.0.0.1")).toEqual({ open: 0, seatless: 0 });
  });

  it("leaves a seated socket alone, and counts it apart", () => {
    const ws = new FakeSocket();
    guard.opened(ws as unknown as WebSocket, request("10.0.0.2"));
    guard.seated(ws);
    expect(guard.countsOf("10.0.0.2")).toEqual({ open: 1, seatless: 0 });
    vi.advanceTimersByTime(60_000);
    expect(ws.closes).toEqual([]);
    expect(ws.terminated).toBe(false);
    ws.emit("close");
    expect(guard.countsOf("10.0.0.2")).toEqual({ open: 0, seatless: 0 });
  });

  it("refuses an upgrade with 429 once the address holds its seatless sockets, not another address's", () => {
    for (let i = 0; i < 2; i++) {
      expect(guard.refuseUpgrade(request("10.0.0.3"), new FakeUpgradeSocket() as unknown as Duplex)).toBe(false);
      guard.opened(new FakeSocket() as unknown as WebSocket, request("10.0.0.3"));
    }
    const refused = new FakeUpgradeSocket();
    expect(guard.refuseUpgrade(request("10.0.0.3"), refused as unknown as Duplex)).toBe(true);
    expect(refused.written).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
    expect(guard.refuseUpgrade(request("10.0.0.4"), new FakeUpgradeSocket() as unknown as Duplex)).toBe(false);
  });

  it("reads the room, session and token of an upgrade the way the transport does", () => {
    expect(parseTarget("/proc/room1?sessionId=abc&reconnectionToken=tok")).toEqual({ roomId: "room1", sessionId: "abc", reconnectionToken: "tok" });
    expect(parseTarget("/p2/proc/room1?sessionId=abc")).toEqual({ roomId: "room1", sessionId: "abc", reconnectionToken: undefined });
    expect(parseTarget("/")).toEqual({ roomId: undefined, sessionId: undefined, reconnectionToken: undefined });
  });
});
