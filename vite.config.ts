import { constants } from "node:zlib";
import { defineConfig } from "vite";
// Writes the .br and .gz copies of the build (a maintained Vite plugin made for exactly this).
import { compression, defineAlgorithm } from "vite-plugin-compression2";

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
  plugins: [
    // A brotli (quality 11) and a gzip (level 9) copy beside every text file of the build worth
    // compressing, once, at build time: the server (express-static-gzip) then sends the smallest
    // encoding the browser accepts without compressing per request. Under 1 KiB a copy saves less
    // than its headers cost; PNGs are compressed already.
    compression({
      include: /\.(js|mjs|css|html|svg|json|webmanifest|txt)$/,
      threshold: 1023,
      algorithms: [
        defineAlgorithm("brotliCompress", { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm("gzip", { level: 9 }),
      ],
    }),
  ],
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
