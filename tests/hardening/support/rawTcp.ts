import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * A WebSocket client written by hand over TCP, so a test can send frames no WebSocket library
 * would: unmasked, reserved opcodes and bits, endless fragments, oversized control frames,
 * bad close codes, absurd declared lengths. It parses just enough of the server's frames to
 * see the close code and Colyseus' JOIN_ROOM.
 */
export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array;
  fin?: boolean;
  mask?: boolean;
  rsv?: number;
  /** Declare this payload length instead of the real one (the bytes sent stay `payload`). */
  declaredLength?: bigint;
}

export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = Buffer.from(spec.payload ?? new Uint8Array(0));
  const fin = spec.fin ?? true;
  const mask = spec.mask ?? true;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)];
  let ext = Buffer.alloc(0);
  if (length < 126n) head.push((mask ? 0x80 : 0) | Number(length));
  else if (length < 65536n) {
    head.push((mask ? 0x80 : 0) | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

export class RawTcpWebSocket {
  readonly socket: Socket;
  /** Close code the server sent in its close frame (undefined if it sent none). */
  serverCloseCode: number | undefined;
  /** Resolves when the TCP connection is gone. */
  readonly ended: Promise<void>;
  /** Resolves with the first binary frame whose first byte is `JOIN_ROOM`, or false if the socket ends first. */
  readonly joined: Promise<boolean>;
  /** The HTTP status the server answered the upgrade with (101 when it was accepted). */
  upgradeStatus: number | undefined;
  /** WebSocket frames received from the server (any opcode). */
  frames = 0;
  /** performance.now() when the TCP connection ended. */
  endedAt: number | undefined;
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private resolveUpgrade!: (ok: boolean) => void;
  readonly upgrade: Promise<boolean>;

  private constructor(port: number, path: string, localAddress?: string) {
    this.socket = connect({ host: "127.0.0.1", port, localAddress });
    this.socket.on("error", () => undefined);
    let resolveJoined!: (ok: boolean) => void;
    this.joined = new Promise((resolve) => { resolveJoined = resolve; });
    this.upgrade = new Promise((resolve) => { this.resolveUpgrade = resolve; });
    this.ended = new Promise((resolve) => this.socket.once("close", () => {
      this.endedAt = performance.now();
      this.resolveUpgrade(false);
      resolveJoined(false);
      resolve();
    }));
    this.socket.once("connect", () => {
      const key = randomBytes(16).toString("base64");
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      if (!this.upgraded) {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = this.buffer.subarray(0, end).toString("latin1");
        this.buffer = this.buffer.subarray(end + 4);
        this.upgradeStatus = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        this.upgraded = this.upgradeStatus === 101;
        this.resolveUpgrade(this.upgraded);
        if (!this.upgraded) return;
      }
      this.readFrames((opcode, payload) => {
        this.frames++;
        if (opcode === 0x8) this.serverCloseCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (opcode === 0x2 && payload[0] === 10) resolveJoined(true);
      });
    });
  }

  static async open(port: number, path: string, localAddress?: string): Promise<RawTcpWebSocket> {
    const ws = new RawTcpWebSocket(port, path, localAddress);
    if (!(await ws.upgrade)) {
      ws.destroy();
      throw new Error(`the WebSocket upgrade of ${path} was refused`);
    }
    return ws;
  }

  /** Like open, but resolves either way once the server answered the upgrade (see `upgradeStatus`, `isEnded`). */
  static async attempt(port: number, path: string, localAddress?: string): Promise<RawTcpWebSocket> {
    const ws = new RawTcpWebSocket(port, path, localAddress);
    await ws.upgrade;
    return ws;
  }

  get isEnded(): boolean {
    return this.socket.destroyed || this.socket.readyState === "closed";
  }

  send(spec: FrameSpec): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(encodeFrame(spec));
  }

  sendRaw(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private readFrames(onFrame: (opcode: number, payload: Buffer) => void): void {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) return;
      onFrame(opcode, b.subarray(offset, offset + length));
      this.buffer = b.subarray(offset + length);
    }
  }
}
