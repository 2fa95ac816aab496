import { defineConfig } from "vite";
import { precompress } from "./scripts/build/precompress.ts";

/**
 * The browser client. The game server (server/app.ts) serves dist/ and the WebSocket on one
 * origin, so there is no dev proxy: build, then run the server.
 */
export default defineConfig({
  root: "client",
  publicDir: "../public",
  plugins: [precompress()],
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
            { name: "colyseus", test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
