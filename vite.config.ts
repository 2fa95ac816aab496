import { defineConfig } from "vite";
import { precompress } from "./scripts/build/precompress.ts";

/** Where `npm run dev` runs the game server (scripts/dev.ts); Vite's dev server proxies to it. */
const gameServer = `http://127.0.0.1:${process.env.POND_SERVER_PORT ?? "2567"}`;

/**
 * The browser client. In production the game server (server/app.ts) serves dist/ and the
 * WebSocket on one origin. In development (`npm run dev`) Vite serves the client with hot module
 * replacement, and passes the game's HTTP routes and room sockets to the game server, so the page
 * still talks to its own origin.
 */
export default defineConfig({
  root: "client",
  publicDir: "../public",
  plugins: [precompress()],
  server: {
    proxy: {
      "/matchmake": gameServer,
      "/ponds": gameServer,
      "/health": gameServer,
      // Room sockets: /<processId>/<roomId>?sessionId=... (Vite's own HMR socket has no such path).
      "^/[^/?]+/[^/?]+\\?(?:.*&)?sessionId=": { target: gameServer, ws: true },
    },
  },
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    // Phaser alone is ~1.2 MB minified: it is allowed to be large, in its own chunk.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // Vite 8 bundles with Rolldown, whose `codeSplitting.groups` replaces Rollup's
        // manualChunks. Phaser and the Colyseus SDK change far less often than the game, so
        // each gets its own content-hashed chunk that browsers keep cached across our releases.
        codeSplitting: {
          groups: [
            { name: "phaser", test: /[\\/]node_modules[\\/]phaser[\\/]/, priority: 2 },
            // Unicode's lookalike table (shared/confusables.ts, for mutes): data that changes with
            // Unicode releases only.
            { name: "confusables", test: /[\\/]node_modules[\\/]unhomoglyph[\\/]/, priority: 2 },
            { name: "colyseus", test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
