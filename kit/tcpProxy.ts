import { createConnection, createServer, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** Request target of the first HTTP request line (`/<processId>/<roomId>?sessionId=...` for a room socket). */
  target: string | undefined;
}

/**
 * A loopback TCP proxy in front of one server port, for cutting connections the way a network
 * does: `cut()` destroys open pairs of sockets with no WebSocket close frame (both ends see an
 * abnormal closure, 1006), and `hold()` parks new connections until `release()`, so a test can
 * look at the "dropped" state for as long as it needs before the client gets back in. Each pair
 * remembers its first request line, so one player's socket can be cut alone (by sessionId).
 * The cluster's reconnect tests and the soak (which cuts random bots) both stand on it.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private held: Socket[] = [];
  private holding = false;
  private accepted = 0;

  private constructor(private readonly server: Server, readonly port: number, private readonly targetPort: number, private readonly host: string) {
    server.on("connection", (socket) => this.onConnection(socket));
  }

  static async start(targetPort: number, host = "127.0.0.1"): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
    });
    const address = server.address();
    if (!address || typeof address !== "object") throw new Error("proxy did not report its port");
    return new TcpProxy(server, address.port, targetPort, host);
  }

  /** Connections accepted so far (a reconnect shows up as a new one). */
  get connections(): number {
    return this.accepted;
  }

  /** Connections currently parked by hold(). */
  get waiting(): number {
    return this.held.length;
  }

  /** Destroys proxied connections at once (no close frame either way): all, or those whose first request target matches. */
  cut(match?: (target: string) => boolean): number {
    let count = 0;
    for (const pair of [...this.pairs]) {
      if (match && (pair.target === undefined || !match(pair.target))) continue;
      this.pairs.delete(pair);
      pair.client.destroy();
      pair.upstream?.destroy();
      count++;
    }
    return count;
  }

  /** Cuts the room socket(s) of one player. */
  cutSession(sessionId: string): number {
    return this.cut((target) => new URL(target, "http://x").searchParams.get("sessionId") === sessionId);
  }

  /** Request targets of the open connections (for diagnostics). */
  targets(): string[] {
    return [...this.pairs].map((p) => p.target ?? "?");
  }

  /**
   * New connections wait (accepted, not forwarded) until release(). Idle keep-alive HTTP
   * connections (matchmaking requests) are closed first: Node's fetch and WebSocket share one
   * connection pool, so a reconnecting socket could otherwise ride an old pooled connection
   * past the hold.
   */
  hold(): void {
    this.holding = true;
    this.cut((target) => target.startsWith("/matchmake/"));
  }

  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const socket of held) if (!socket.destroyed) this.forward(socket);
  }

  async close(): Promise<void> {
    this.cut();
    for (const socket of this.held) socket.destroy();
    this.held = [];
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    this.accepted++;
    socket.on("error", () => socket.destroy());
    if (this.holding) {
      this.held.push(socket);
      return;
    }
    this.forward(socket);
  }

  private forward(client: Socket): void {
    const pair: Pair = { client, upstream: undefined, target: undefined };
    this.pairs.add(pair);
    client.once("data", (chunk: Buffer) => {
      const line = /^[A-Z]+ (\S+) HTTP\//.exec(chunk.subarray(0, 2048).toString("latin1"));
      pair.target = line?.[1];
    });
    const upstream = createConnection({ port: this.targetPort, host: this.host });
    pair.upstream = upstream;
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", drop);
    upstream.on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
