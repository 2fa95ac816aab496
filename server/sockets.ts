import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import { matchMaker } from "@colyseus/core";
import { metrics } from "./metrics.ts";
import { admission } from "./rooms/admission.ts";
import { CLOSE_NO_SEAT } from "../shared/protocol.ts";

/** How long a seatless socket told to close may take over the close handshake before it is cut. */
const CLOSE_HANDSHAKE_MS = 1000;

/** What an upgrade asks for, read from its URL the way Colyseus's WebSocket transport reads it. */
export interface SocketTarget {
  roomId: string | undefined;
  sessionId: string | undefined;
  reconnectionToken: string | undefined;
}

/** `/<processId>/<roomId>?sessionId=…&reconnectionToken=…` (only the last two path segments count). */
export function parseTarget(url: string | undefined): SocketTarget {
  let parsed: URL;
  try {
    parsed = new URL(`ws://server${url ?? "/"}`);
  } catch {
    return { roomId: undefined, sessionId: undefined, reconnectionToken: undefined };
  }
  const roomId = /\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/.exec(parsed.pathname)?.[1];
  return {
    roomId,
    sessionId: parsed.searchParams.get("sessionId") ?? undefined,
    reconnectionToken: parsed.searchParams.get("reconnectionToken") ?? undefined,
  };
}

interface Tracked {
  readonly address: string;
  seated: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface AddressSockets {
  /** Every WebSocket of the address still open (seated or not, closing included). */
  open: number;
  /** Those without a seat. */
  seatless: number;
}

/**
 * Every WebSocket of the process, per client address: which have a seat in a pond (a player's
 * socket, from the moment the pond binds it) and which do not (yet).
 *
 * Colyseus answers a socket that gets no seat (`ws://host/`, a bad room path or session) while
 * it is open (its pings), with no limit on how many one address opens. It does ask such a socket
 * to close (after 1 s for the bare path, at once for a bad seat), but a peer that ignores the
 * close frame keeps it open for the `ws` close timeout (30 s). Here a socket is cut once it has been
 * open `graceMs` without a seat (asked to close with CLOSE_NO_SEAT first if nobody did), and an
 * address may hold at most `maxSeatlessPerIp` of them: past that its upgrades are answered 429
 * before any WebSocket exists. An upgrade that carries a valid seat reservation is never refused
 * for that (it gets its seat at once).
 *
 * Reconnections (an upgrade with a reconnection token) are the other thing screened here: they
 * skip PondRoom.onAuth, so they spend the address's reconnect budget (Admission.reconnect), and
 * an address already holding MAX_CONNECTIONS_PER_IP sockets cannot add one by reconnecting.
 * POST /matchmake/reconnect spends the same budget (refuseReconnectRequest).
 */
export class SocketGuard {
  /** Seatless sockets one address may hold open (MAX_SEATLESS_PER_IP). */
  maxSeatlessPerIp = Infinity;
  /** How long a socket may stay open without a seat (SEATLESS_GRACE_SECONDS). */
  graceMs = 5000;
  private readonly tracked = new Map<WebSocket, Tracked>();
  private readonly byAddress = new Map<string, AddressSockets>();

  constructor() {
    // Both series from the start, so a dashboard sees 0 rather than nothing.
    metrics.sockets.set({ state: "seated" }, 0);
    metrics.sockets.set({ state: "seatless" }, 0);
  }

  /**
   * Answers an upgrade this address may not make now with 429 on the raw socket (no WebSocket is
   * created); true when it did. Runs on the HTTP server's 'upgrade' event, after the address was
   * stamped (server/clientAddress.ts) and before Colyseus sees the request.
   */
  refuseUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    const address = addressOf(req);
    const target = parseTarget(req.url);
    const counts = this.byAddress.get(address);
    if (target.reconnectionToken !== undefined) {
      if ((counts?.open ?? 0) >= admission.maxPerIp) return refuse(socket, "too_many_connections", "Too many connections from your address.");
      if (!admission.reconnect(address, Date.now())) return refuse(socket, "reconnect_rate", "Too many reconnection attempts; wait a moment.");
    }
    if ((counts?.seatless ?? 0) >= this.maxSeatlessPerIp && !hasSeat(target)) {
      return refuse(socket, "seatless_sockets", "Too many connections without a seat from your address.");
    }
    return false;
  }

  /** POST /matchmake/reconnect/<roomId> spends the reconnect budget too; answers 429 (true) past it. */
  refuseReconnectRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST" || !req.url?.startsWith("/matchmake/reconnect/")) return false;
    if (admission.reconnect(addressOf(req), Date.now())) return false;
    metrics.kicked.inc({ reason: "reconnect_rate" });
    const body = JSON.stringify({ code: 429, error: "Too many reconnection attempts; wait a moment." });
    res.writeHead(429, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
    res.end(body);
    req.resume();
    return true;
  }

  /** A WebSocket was accepted (before Colyseus looks at it): seatless until `seated`. */
  opened(ws: WebSocket, req: IncomingMessage): void {
    const entry: Tracked = { address: addressOf(req), seated: false, timer: undefined };
    this.tracked.set(ws, entry);
    let counts = this.byAddress.get(entry.address);
    if (counts === undefined) {
      counts = { open: 0, seatless: 0 };
      this.byAddress.set(entry.address, counts);
    }
    counts.open++;
    counts.seatless++;
    metrics.sockets.inc({ state: "seatless" });
    entry.timer = setTimeout(() => this.expire(ws, entry), this.graceMs);
    entry.timer.unref();
    ws.once("close", () => this.closed(ws, entry));
  }

  /** A pond bound this socket to a player (PondRoom, on join and on reconnect). */
  seated(ws: unknown): void {
    const entry = this.tracked.get(ws as WebSocket);
    if (entry === undefined || entry.seated) return;
    entry.seated = true;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.byAddress.get(entry.address)!.seatless--;
    metrics.sockets.dec({ state: "seatless" });
    metrics.sockets.inc({ state: "seated" });
  }

  /** Sockets open now from `address` (tests and tools). */
  countsOf(address: string): Readonly<AddressSockets> {
    return this.byAddress.get(address) ?? { open: 0, seatless: 0 };
  }

  private closed(ws: WebSocket, entry: Tracked): void {
    if (this.tracked.get(ws) !== entry) return;
    this.tracked.delete(ws);
    clearTimeout(entry.timer);
    const counts = this.byAddress.get(entry.address)!;
    counts.open--;
    if (!entry.seated) counts.seatless--;
    if (counts.open <= 0) this.byAddress.delete(entry.address);
    metrics.sockets.dec({ state: entry.seated ? "seated" : "seatless" });
  }

  private expire(ws: WebSocket, entry: Tracked): void {
    if (entry.seated || this.tracked.get(ws) !== entry) return;
    metrics.kicked.inc({ reason: "no_seat" });
    if (ws.readyState !== WebSocket.OPEN) {
      // Already closing (Colyseus refused it) and the peer never finished the handshake.
      ws.terminate();
      return;
    }
    ws.close(CLOSE_NO_SEAT, "No seat.");
    setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
  }
}

/** This process's sockets; server/app.ts sets the limits from the config. */
export const sockets = new SocketGuard();

/** The address stamped on the request (server/clientAddress.ts). */
function addressOf(req: IncomingMessage): string {
  const stamped = req.headers["x-real-ip"];
  return (Array.isArray(stamped) ? stamped[0] : stamped) ?? "unknown";
}

/** Whether the upgrade names a seat its room holds for it (a fresh reservation, or a reconnection's). */
function hasSeat(target: SocketTarget): boolean {
  if (target.roomId === undefined || target.sessionId === undefined) return false;
  const room = matchMaker.getLocalRoomById(target.roomId);
  return room !== undefined && room.hasReservedSeat(target.sessionId, target.reconnectionToken);
}

function refuse(socket: Duplex, reason: string, text: string): true {
  metrics.kicked.inc({ reason });
  const head = `HTTP/1.1 429 ${STATUS_CODES[429]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n`;
  socket.on("error", () => socket.destroy());
  socket.once("finish", () => socket.destroy());
  socket.end(head + text);
  return true;
}
