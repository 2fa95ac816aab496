import "./nodeCompat.ts"; // first: a global Colyseus reads on reconnect, missing on Node 20
import { existsSync } from "node:fs";
import { relative, sep } from "node:path";
// Serves the build's precompressed .br/.gz copies with the right Content-Encoding and Vary.
import expressStaticGzip from "express-static-gzip";
import { LocalDriver, LocalPresence, Server, matchMaker } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { WebSocketTransport } from "@colyseus/ws-transport";
import { Encoder } from "@colyseus/schema";
import type { ServerConfig } from "./config.ts";
import type { Logger } from "./logger.ts";
import { metrics } from "./metrics.ts";
import { loadWordFilter } from "./moderation/wordFilter.ts";
import { mountMonitor } from "./monitorGuard.ts";
import { admission } from "./rooms/admission.ts";
import { AddressLedger } from "./addressLedger.ts";
import { interceptHttp } from "./colyseusHooks.ts";
import { stampClientAddress } from "./clientAddress.ts";
import { refuseOversizedMatchmaking } from "./matchmakeBodies.ts";
import { PondTransport } from "./pondTransport.ts";
import { sockets } from "./sockets.ts";
import { WindowProfiler } from "./profiler.ts";
import { PondRoom } from "./rooms/PondRoom.ts";
import type { PondListing } from "../shared/protocol.ts";


/**
 * The game server: the `pond` room over WebSocket, and over HTTP the built client, /health,
 * /metrics, /ponds and (with a password) the Colyseus monitor. With REDIS_URL set, presence
 * and matchmaking live in Redis so several processes share one set of ponds.
 */
export interface PondServerOptions {
  logger?: Logger;
  /** Install Colyseus's SIGTERM/SIGINT handlers that shut down gracefully and exit (default true; tests turn it off). */
  gracefulShutdown?: boolean;
}

export function createPondServer(config: ServerConfig, options: PondServerOptions = {}): Server {
  // Every client's view of a crowded pond is encoded back to back into one shared buffer; start
  // it big enough for hundreds of views so it does not grow (and warn) tick after tick.
  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 1024 * 1024);
  admission.maxPlayers = config.maxPlayersPerProcess;
  metrics.capacity.set(config.maxPlayersPerProcess);
  admission.maxPerIp = config.maxConnectionsPerIp;
  admission.joinRatePerIp = config.joinRatePerIp;
  sockets.maxSeatlessPerIp = config.maxSeatlessPerIp;
  sockets.graceMs = config.seatlessGraceSeconds * 1000;

  const transport = new PondTransport({ maxPayload: config.maxPayload }, sockets);
  const presence = config.redisUrl ? new RedisPresence(config.redisUrl) : new LocalPresence();
  // In a cluster MAX_CONNECTIONS_PER_IP counts the address's connections on every process.
  admission.shared = config.redisUrl ? new AddressLedger(presence) : undefined;
  stampAddresses(transport, config.trustProxy);
  const server = new Server({
    transport,
    greet: false,
    logger: options.logger,
    gracefullyShutdown: options.gracefulShutdown ?? true,
    publicAddress: config.publicAddress,
    presence,
    driver: config.redisUrl ? new RedisDriver(config.redisUrl) : new LocalDriver(),
    express: (app) => {
      // Liveness for plain HTTP probes: the process answers. /health adds readiness (503 while draining).
      app.get("/health/live", (_req, res) => { res.json({ live: true }); });
      app.get("/health", (_req, res) => {
        const ready = matchMaker.state === matchMaker.MatchMakerState.READY;
        // pid: whoever started the process can tell it from another that took the port first.
        res.status(ready ? 200 : 503).json({ live: true, ready, players: admission.playerCount, pid: process.pid });
      });
      app.get("/metrics", async (_req, res) => {
        res.setHeader("Content-Type", metrics.registry.contentType);
        res.send(await metrics.registry.metrics());
      });
      if (config.benchHooks) {
        // Raw tick durations since a cursor, for scripts/bench.ts: GET /debug/ticks?since=<next from the last call>.
        app.get("/debug/ticks", (req, res) => {
          const since = Number(req.query.since ?? 0);
          res.json(metrics.ticks.since(Number.isSafeInteger(since) && since > 0 ? since : 0));
        });
        // A CPU profile of the measured window: POST start, then POST stop answers the .cpuprofile.
        const profiler = new WindowProfiler();
        app.post("/debug/profile/start", (_req, res) => {
          profiler.start().then(() => res.json({ started: true }), (error: Error) => res.status(409).json({ error: error.message }));
        });
        app.post("/debug/profile/stop", (_req, res) => {
          profiler.stop().then((profile) => res.json(profile), (error: Error) => res.status(409).json({ error: error.message }));
        });
      }
      app.get("/ponds", async (_req, res) => {
        const rooms = await matchMaker.query({ name: "pond" });
        const ponds: PondListing[] = rooms.map((r) => ({ roomId: r.roomId, clients: r.clients, maxClients: r.maxClients }));
        res.json(ponds);
      });
      // The Colyseus monitor, behind its guard: password with lockout, actions POST only and same-origin, no CORS.
      if (config.monitorPassword) mountMonitor(app, transport.server, config.monitorPassword);
      if (config.clientDir && existsSync(config.clientDir)) {
        // Hashed assets (assets/) can be cached for good; the page and the files with fixed names
        // (icons, manifest, robots.txt, from public/) must be revalidated.
        // The build writes brotli and gzip copies beside each text file; send the smallest the browser takes.
        app.use(expressStaticGzip(config.clientDir, {
          enableBrotli: true,
          orderPreference: ["br", "gzip"],
          serveStatic: {
            setHeaders: (res, file) => {
              const hashed = relative(config.clientDir, file).split(sep)[0] === "assets";
              res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
            },
          },
        }));
      }
    },
  });
  server
    .define("pond", PondRoom, {
      tickRate: config.tickRate,
      maxPlayers: config.maxPlayers,
      reconnectGraceSeconds: config.reconnectGraceSeconds,
      idleFadeSeconds: config.idleFadeSeconds,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      foodCount: config.foodCount,
      hungerSeconds: config.hungerSeconds,
      viewRadius: config.viewRadius,
      interest: config.interest,
      // Read once here; every pond of the process shares it.
      wordFilter: loadWordFilter(config.wordListFiles),
    })
    // joinOrCreate fills the fullest pond that has room, so players meet.
    .sortBy({ clients: -1 });
  return server;
}

/**
 * Stamps each HTTP request and WebSocket upgrade with its client's real address (see
 * stampClientAddress), refuses oversized matchmaking bodies (see refuseOversizedMatchmaking),
 * and the reconnections and sockets an address may not add now (see server/sockets.ts), before
 * anything reads them (server/colyseusHooks.ts interceptHttp).
 */
function stampAddresses(transport: WebSocketTransport, trustProxy: boolean): void {
  const http = transport.server;
  if (!http) return;
  interceptHttp(http, {
    request: (req, res) => {
      stampClientAddress(req, trustProxy);
      return refuseOversizedMatchmaking(req, res) || sockets.refuseReconnectRequest(req, res);
    },
    upgrade: (req, socket) => {
      stampClientAddress(req, trustProxy);
      return sockets.refuseUpgrade(req, socket);
    },
  });
}
