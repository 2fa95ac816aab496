import type { AddressInfo } from "node:net";
import { matchMaker, type Server } from "@colyseus/core";
import { ColyseusTestServer } from "@colyseus/testing";
import { createPondServer } from "../../server/app.ts";
import { readConfig, type ServerConfig } from "../../server/config.ts";
import type { PondRoom } from "../../server/rooms/PondRoom.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * The real pond server, in this process, bound to 127.0.0.1 on a port the OS picks (never a
 * fixed port, never all interfaces). The matchmaker is a process-wide singleton, so start one
 * per test file (beforeAll), clean rooms between tests (afterEach) and shut it down in afterAll.
 */
export interface InProcessPond {
  server: Server;
  /** @colyseus/testing's wrapper (sdk client, getRoomById, cleanup). */
  colyseus: ColyseusTestServer;
  config: ServerConfig;
  port: number;
  wsUrl: string;
  httpUrl: string;
  /** The live PondRoom instance with this id (server side). */
  room(roomId: string): PondRoom;
  /** Every live pond in this process. */
  rooms(): Promise<PondRoom[]>;
  /** Disconnects every client and disposes every room (between tests). */
  cleanup(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startPondServer(overrides: Partial<ServerConfig> = {}): Promise<InProcessPond> {
  // The operator defaults (an empty environment), made local and quiet; every test client
  // connects from 127.0.0.1, so the per-IP limit is raised unless a test sets it.
  const config: ServerConfig = {
    ...readConfig({}),
    port: 0,
    host: "127.0.0.1",
    clientDir: "",
    maxConnectionsPerIp: 1000,
    logLevel: "silent",
    ...overrides,
  };
  const server = createPondServer(config, { gracefulShutdown: false });
  await server.listen(config.port, config.host);
  const address = server.transport.server?.address() as AddressInfo | null;
  if (!address || typeof address !== "object") throw new Error("the pond server did not report its address");
  const port = address.port;
  // ColyseusTestServer builds its SDK endpoint from server.port, which is still the 0 we asked for.
  (server as unknown as { port: number }).port = port;
  const colyseus = new ColyseusTestServer(server);

  const rooms = async () => {
    const found: PondRoom[] = [];
    for (const listing of await matchMaker.query({})) {
      const room = matchMaker.getLocalRoomById(listing.roomId) as PondRoom | undefined;
      if (room) found.push(room);
    }
    return found;
  };

  return {
    server,
    colyseus,
    config,
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    room(roomId) {
      const room = matchMaker.getLocalRoomById(roomId) as PondRoom | undefined;
      if (!room) throw new Error(`no live room ${roomId}`);
      return room;
    },
    rooms,
    async cleanup() {
      await colyseus.cleanup();
      await waitFor(async () => (await rooms()).length === 0, { timeoutMs: 5000, message: "every room to be disposed" });
    },
    async shutdown() {
      await colyseus.shutdown();
    },
  };
}
