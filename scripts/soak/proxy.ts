import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP pass-through on 127.0.0.1 between the soak's bots and the server, so the soak can cut a
 * bot's WebSocket the way a network does: both TCP sockets destroyed, no close frame, the server
 * sees 1006 and the bot's SDK reconnects. Each WebSocket upgrade is recorded by the sessionId in
 * its URL (Colyseus puts it there), which is how a cut finds the bot it meant.
 */
export class CutProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly bySession = new Map<string, { client: Socket; upstream: Socket }>();
  port = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = "127.0.0.1") {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    return this.port;
  }

  /** Cuts the WebSocket of `sessionId`; returns whether one was open. */
  cut(sessionId: string): boolean {
    const pair = this.bySession.get(sessionId);
    if (!pair || pair.client.destroyed) return false;
    this.bySession.delete(sessionId);
    pair.client.destroy();
    pair.upstream.destroy();
    return true;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    this.sockets.add(client);
    this.sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
    client.once("data", (first: Buffer) => {
      const line = first.subarray(0, Math.min(first.length, 2048)).toString("latin1").split("\r\n", 1)[0];
      const match = /^GET \S*[?&]sessionId=([^&\s]+)/.exec(line);
      if (match && /\r\nupgrade: websocket/i.test(first.toString("latin1"))) {
        this.bySession.set(decodeURIComponent(match[1]), { client, upstream });
      }
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}
