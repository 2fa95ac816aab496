import { existsSync } from "node:fs";
import express from "express";
import { Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { ServerConfig } from "./config.ts";
import { PondRoom } from "./rooms/PondRoom.ts";

/** The game server: the `pond` room over WebSocket, plus the built client and a health check over HTTP. */
export function createPondServer(config: ServerConfig): Server {
  const transport = new WebSocketTransport({ maxPayload: config.maxPayload });
  const server = new Server({
    transport,
    greet: false,
    express: (app) => {
      app.get("/health", (_req, res) => { res.json({ ok: true }); });
      if (config.clientDir && existsSync(config.clientDir)) {
        // Hashed assets can be cached for good; index.html must be revalidated.
        app.use(express.static(config.clientDir, {
          setHeaders: (res, path) => {
            res.setHeader("Cache-Control", path.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable");
          },
        }));
      }
    },
  });
  server.define("pond", PondRoom, { tickRate: config.tickRate, maxPlayers: config.maxPlayers });
  return server;
}
