/**
 * `npm start` (README, "Running the dedicated server"): build the client, then run the server. On a
 * production install (no vite) it serves the client already built into dist/, or stops with what
 * to do instead of serving a site without its page.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

const clientDir = process.env.CLIENT_DIR ?? `${root}dist`;
/** Vite's build API, or undefined where it is not installed (a production install). */
const builder = await import("vite").catch(() => undefined);
if (builder !== undefined) {
  await builder.build({ configFile: `${root}vite.config.ts` });
} else if (clientDir !== "" && !existsSync(`${clientDir}/index.html`)) {
  console.error(`No built client in ${clientDir}, and vite (a dev dependency) is not installed to build one.\n`
    + "Run `npm run build` where dev dependencies are installed (a build stage), or `npm install` here;\n"
    + "or set CLIENT_DIR= to run the game server without serving the page.");
  process.exit(2);
} else if (clientDir !== "") {
  console.info(`vite is not installed (production install): serving the client already built in ${clientDir}`);
}
await import("../server/main.ts");
