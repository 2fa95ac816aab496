import { request as httpRequest } from "node:http";
import WebSocket from "ws";

/**
 * A Colyseus client at the protocol level, over a plain `ws` socket: reserve a seat through the
 * matchmaker's HTTP API (as @colyseus/sdk's Client does), open the room's WebSocket with that
 * seat, acknowledge JOIN_ROOM, and from then on send whatever bytes a test wants. Used by the
 * hardening tests (hostile frames, churn) and the soak (cheap joiners), never by the game.
 */

/** Colyseus protocol codes (@colyseus/shared-types Protocol.ts). */
export const Code = {
  JOIN_ROOM: 10,
  ERROR: 11,
  LEAVE_ROOM: 12,
  ROOM_DATA: 13,
  ROOM_STATE: 14,
  ROOM_STATE_PATCH: 15,
  ROOM_DATA_BYTES: 17,
  PING: 18,
  ROOM_INPUT_RELIABLE: 19,
  ROOM_INPUT_UNRELIABLE: 20,
  ROOM_REQUEST: 21,
  ROOM_RESPONSE: 22,
} as const;
export const CODE_MASK = 0x1f;
export const TIMED = 0x80;

export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId?: string;
  publicAddress?: string;
}

export class MatchmakeError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`matchmake answered ${status}: ${body}`);
  }
}

export interface ReserveRequest {
  /** Matchmaking method (default joinOrCreate). */
  method?: string;
  /** Room name, or the room id for `reconnect` (default pond). */
  roomName?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Local source address to connect from (e.g. 127.0.0.2), for per-address limits. */
  localAddress?: string;
}

/** POST /matchmake/<method>/<room> with `options` as the join options. */
export async function reserveSeat(httpUrl: string, options: Record<string, unknown> = {}, request: ReserveRequest = {}): Promise<SeatReservation> {
  const { method = "joinOrCreate", roomName = "pond", timeoutMs = 5000, headers = {}, localAddress } = request;
  const { status, body } = await postJson(`${httpUrl}/matchmake/${method}/${roomName}`, JSON.stringify(options), headers, timeoutMs, localAddress);
  if (status < 200 || status >= 300) throw new MatchmakeError(status, body);
  const seat = JSON.parse(body) as SeatReservation;
  if (typeof seat.sessionId !== "string" || typeof seat.roomId !== "string") throw new MatchmakeError(status, body);
  return seat;
}

/** A JSON POST over node:http, which (unlike fetch) can choose the local source address. */
function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, localAddress: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      localAddress,
      timeout: timeoutMs,
      headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`POST ${url} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The room socket URL the SDK would open for this seat. */
export function seatUrl(wsUrl: string, seat: SeatReservation, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ sessionId: seat.sessionId, ...extra });
  return `${wsUrl}/${seat.processId ?? "x"}/${seat.roomId}?${params}`;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** performance.now() when it closed. */
  at: number;
}

export interface RawPeerOptions {
  /** Acknowledge JOIN_ROOM (completing the join) as soon as it arrives (default true). */
  ack?: boolean;
  /** Called for every frame received. */
  onFrame?: (data: Buffer) => void;
  /** Extra headers on the WebSocket upgrade request. */
  headers?: Record<string, string>;
  /** Local source address to connect from (e.g. 127.0.0.2). */
  localAddress?: string;
}

/** One raw socket. `closed` resolves however it ends (never rejects). */
export class RawPeer {
  readonly ws: WebSocket;
  frames = 0;
  patches = 0;
  states = 0;
  /** Frames we sent. */
  sent = 0;
  /** Our reconnection token (from JOIN_ROOM), once joined. */
  reconnectionToken: string | undefined;
  /** ERROR frames the server sent (code, message). */
  readonly errors: Array<{ code: number; message: string }> = [];
  closeInfo: CloseInfo | undefined;
  /** Set when we ended the socket ourselves (close, terminate, leave). */
  endedByUs: "close" | "terminate" | "leave" | undefined;
  readonly opened: Promise<boolean>;
  readonly joined: Promise<boolean>;
  readonly closed: Promise<CloseInfo>;

  constructor(url: string, options: RawPeerOptions = {}) {
    const ack = options.ack ?? true;
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 8 * 1024 * 1024, handshakeTimeout: 5000, headers: options.headers, localAddress: options.localAddress });
    this.ws.binaryType = "nodebuffer";
    let resolveJoined!: (joined: boolean) => void;
    this.joined = new Promise((resolve) => { resolveJoined = resolve; });
    this.opened = new Promise((resolve) => {
      this.ws.once("open", () => resolve(true));
      this.ws.once("close", () => resolve(false));
    });
    this.closed = new Promise((resolve) => {
      this.ws.once("close", (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString("utf8"), at: performance.now() };
        resolveJoined(false);
        resolve(this.closeInfo);
      });
    });
    // A failed handshake or a reset surfaces as 'error' before 'close'; close still follows.
    this.ws.on("error", () => undefined);
    this.ws.on("message", (data: Buffer) => {
      this.frames++;
      const code = data[0] & CODE_MASK;
      if (code === Code.ROOM_STATE_PATCH) this.patches++;
      else if (code === Code.ROOM_STATE) this.states++;
      else if (code === Code.JOIN_ROOM && this.reconnectionToken === undefined) {
        const length = data[1];
        this.reconnectionToken = data.subarray(2, 2 + length).toString("utf8");
        if (ack) this.sendRaw(Uint8Array.of(Code.JOIN_ROOM));
        resolveJoined(true);
      } else if (code === Code.ERROR) {
        this.errors.push(parseError(data));
      }
      options.onFrame?.(data);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends bytes (or text) if the socket is still open; returns whether it was. */
  sendRaw(data: Uint8Array | string, options: { binary?: boolean; fin?: boolean } = {}): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.sent++;
    this.ws.send(data, { binary: options.binary ?? typeof data !== "string", fin: options.fin ?? true }, () => undefined);
    return true;
  }

  /** Consented leave, as the SDK's room.leave() does. */
  leave(): void {
    this.endedByUs ??= "leave";
    this.sendRaw(Uint8Array.of(Code.LEAVE_ROOM));
  }

  /** A clean WebSocket close handshake. */
  close(code = 1000): void {
    this.endedByUs ??= "close";
    try { this.ws.close(code); } catch { /* already closing */ }
  }

  /** Abrupt: the TCP socket is destroyed, no close frame (as when a tab crashes or the network drops). */
  kill(): void {
    this.endedByUs ??= "terminate";
    this.ws.terminate();
  }
}

function parseError(data: Buffer): { code: number; message: string } {
  // [11, number code, string message]: a best-effort read for diagnostics.
  const code = data[1] ?? -1;
  const text = data.subarray(3).toString("utf8").replace(/[^\x20-\x7e]/g, "");
  return { code, message: text };
}

/** Reserves a seat and opens it; resolves once joined (JOIN_ROOM received), or rejects. */
export async function joinRaw(httpUrl: string, wsUrl: string, options: RawPeerOptions & { joinOptions?: Record<string, unknown>; timeoutMs?: number } = {}): Promise<{ peer: RawPeer; seat: SeatReservation }> {
  const seat = await reserveSeat(httpUrl, options.joinOptions ?? {}, { localAddress: options.localAddress });
  const peer = new RawPeer(seatUrl(wsUrl, seat), options);
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const joined = await Promise.race([
    peer.joined,
    new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (!joined) {
    peer.kill();
    const info = peer.closeInfo;
    throw new Error(`raw join failed (${info ? `closed ${info.code} ${info.reason}` : `no JOIN_ROOM within ${timeoutMs} ms`}; errors ${JSON.stringify(peer.errors)})`);
  }
  return { peer, seat };
}
